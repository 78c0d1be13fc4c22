"""Newsroom insight: what readers did with each story (saves, reactions).

For editors (/top, /story, the digest, the weekly report, the export) and readers (/popular).
"""
