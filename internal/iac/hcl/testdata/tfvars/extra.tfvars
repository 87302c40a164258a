c = "varfile"
d = "varfile"
