a        = "tfvars"
b        = "tfvars"
c        = "tfvars"
e        = "tfvars"
port     = "8080"
settings = { name = "svc" }
unknown_var = 1
