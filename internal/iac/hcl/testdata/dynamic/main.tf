variable "ingress" {
  type = list(object({
    port        = number
    cidrs       = list(string)
    description = optional(string, "managed")
  }))
  default = [
    { port = 443, cidrs = ["0.0.0.0/0"] },
    { port = 22, cidrs = ["10.0.0.0/8"], description = "ssh" },
  ]
}

variable "unset_rules" {
  type = list(number)
}

resource "aws_security_group" "web" {
  name = "web"

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  dynamic "ingress" {
    for_each = var.ingress
    iterator = rule
    content {
      from_port   = rule.value.port
      to_port     = rule.value.port
      protocol    = "tcp"
      cidr_blocks = rule.value.cidrs
      description = "${rule.key}: ${rule.value.description}"
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "unknown_rules" {
  name = "later"
  dynamic "ingress" {
    for_each = var.unset_rules
    content {
      from_port = ingress.value
    }
  }
}

resource "aws_cloudfront_distribution" "cdn" {
  dynamic "origin" {
    for_each = { a = "a.example.com", b = "b.example.com" }
    content {
      domain_name = origin.value
      origin_id   = origin.key
      dynamic "custom_header" {
        for_each = toset(["X-One", "X-Two"])
        content {
          name  = custom_header.value
          value = "${origin.key}-${custom_header.key}"
        }
      }
    }
  }
}
