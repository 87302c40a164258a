a = "auto-a"
