a = "auto-b"
