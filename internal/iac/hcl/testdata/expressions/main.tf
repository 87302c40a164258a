locals {
  envs = ["dev", "prod"]
  m    = { a = 1, b = 2 }
}

resource "test_thing" "e" {
  for_list   = [for e in local.envs : upper(e)]
  for_map    = { for k, v in local.m : k => v * 10 if v > 1 }
  cond       = length(local.envs) > 1 ? "many" : "one"
  heredoc    = <<-EOT
    hello ${local.envs[0]}
    EOT
  tmpl       = templatefile("${path.module}/tmpl.tpl", { name = "world", items = [1, 2] })
  file       = jsondecode(file("policy.json")).Version
  splat      = [{ n = 1 }, { n = 2 }][*].n
  concat     = concat(local.envs, ["x"])
  merge      = merge(local.m, { c = 3 })
  lookup     = lookup(local.m, "z", 0)
  lookup2    = lookup(local.m, "a")
  keys       = keys(local.m)
  values     = values(local.m)
  element    = element(local.envs, 3)
  length     = length(local.m)
  join       = join(",", local.envs)
  split      = split(",", "a,b")
  format     = format("%s-%03d", "x", 7)
  lower      = lower("ABC")
  upper      = upper("abc")
  replace    = replace("a-b-c", "-", "_")
  replace_re = replace("a1b22", "/[0-9]+/", "#")
  contains   = contains(local.envs, "prod")
  coalesce   = coalesce("", "y")
  try        = try(local.m.zzz, "fallback")
  can        = can(local.m.zzz)
  tomap      = tomap({ a = "1" })
  tolist     = tolist(["a"])
  toset      = toset(["b", "a", "b"])
  tostring   = tostring(5)
  tonumber   = tonumber("5")
  jsonencode = jsonencode({ a = 1 })
  jsondecode = jsondecode("{\"k\": [1, 2]}").k
  b64        = base64encode("hi")
  b64d       = base64decode("aGk=")
  cidrsubnet = cidrsubnet("10.0.0.0/16", 8, 2)
  cidrsub6   = cidrsubnet("fd00::/56", 8, 255)
  cidrhost   = cidrhost("10.0.0.0/24", -2)
  netmask    = cidrnetmask("10.0.0.0/12")
  subnets    = cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)
  flatten    = flatten([["a"], ["b", ["c"]]])
  distinct   = distinct(["a", "a", "b"])
  zipmap     = zipmap(["a", "b"], [1, 2])
  range      = range(3)
  min        = min(3, 1, 2)
  max        = max(3, 1, 2)
  abs        = abs(-4)
  trimspace  = trimspace("  x ")
  regex      = regex("^(\\w+)-", "web-01")
  regexall   = length(regexall("o", "foo"))
  startswith = startswith("arn:aws:s3", "arn:")
  endswith   = endswith("x.json", ".json")
  one        = one(["only"])
  sum        = sum([1, 2, 3.5])
  length_str = length("héllo")
  number     = 1.5
  md5        = md5("x")
  cwd_module = path.module
  workspace  = terraform.workspace
  nested_try = try(local.m["a"] + 1, 0)
}
