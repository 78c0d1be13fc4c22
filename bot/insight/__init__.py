"""Newsroom insight: what readers did with each story (saves, reactions), for editors and
readers."""
