"""How Telegram updates reach the services: one module per feature, each exposing its handlers.

The app factory (`bot.app.build_application`) adds them in one explicit order.
"""
