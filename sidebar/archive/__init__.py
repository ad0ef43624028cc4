"""会话内容存档: the chat archive, pulled from WeCom with its official SDK, stored once, read in scope.

``sdk`` binds WeCom's C library; ``keys`` holds the brand's RSA private keys by ``publickey_ver``;
``source`` is the one interface the pull uses (the SDK in production, the emulator elsewhere); ``parse``
turns a decrypted record into a row with a readable summary; ``pull`` follows the seq.
"""
