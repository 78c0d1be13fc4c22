"""The sandbox beside the product: a local Telegram Bot API double and the demo page.

`sandbox.fakeapi` answers like Telegram (tests and the demo talk to it over real HTTP);
`sandbox.demo` is `newsdesk demo`. The product (`bot`, `handlers`, `storage`) never imports
this package; the CLI imports the demo only when asked to run it.
"""
