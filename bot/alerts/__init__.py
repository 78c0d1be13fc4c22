"""Breaking news by private message to subscribers who opted in.

The stored queue of recipients (`service`), the pacing and the wire (`sender`), the message
(`message`) and what each answer means (`answers`).
"""
