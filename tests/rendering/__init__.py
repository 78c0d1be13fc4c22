"""Tests of bot.rendering: escaping, hashtags, direction, limits and the post card."""
