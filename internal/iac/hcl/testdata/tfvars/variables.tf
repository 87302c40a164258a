variable "a" {
  default = "default"
}
variable "b" {
  default = "default"
}
variable "c" {}
variable "d" {}
variable "e" {}
variable "port" {
  type = number
}
variable "zones" {
  type = list(string)
}
variable "password" {
  type      = string
  sensitive = true
  default   = "hunter2"
}
variable "none" {
  type = string
}
variable "settings" {
  type = object({
    name = string
    size = optional(number, 10)
  })
}

resource "aws_ssm_parameter" "p" {
  a        = var.a
  b        = var.b
  c        = var.c
  d        = var.d
  e        = var.e
  port     = var.port
  zones    = var.zones
  password = var.password
  none     = var.none
  label    = "${var.none}-x"
  settings = var.settings
}
