"""Publishing: every new article into the channel exactly once, paced, with faults handled.

`pacing` spaces channel posts, `failures` sorts Bot API errors into what to do about them,
`channel` sends one rendered post (with the photo and markup fallbacks), `sending` gets one
claimed article out (429 waits, migrations, inline retries), and `service` runs passes over the
store's delivery records.
"""
