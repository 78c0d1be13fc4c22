"""The editors' control room.

The editors' gate and audit trail, /status, /pause and /resume, /post, /retry, /skip, /retract,
held commands, and the error reports that reach the editors.
"""
