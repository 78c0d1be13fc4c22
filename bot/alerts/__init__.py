"""Breaking news by private message to subscribers who opted in.

The stored queue of recipients (`service`), the pacing and the wire (`sender`, `poster`), the
message (`message`), what each answer means (`answers`), and reach and progress for editors
(`progress`).
"""
