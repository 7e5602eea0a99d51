terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = "your-db-password"
}

variable "region" {
  type    = string
  default = "eu-central-1"
}

resource "aws_db_instance" "shop" {
  identifier          = "shop"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  allocated_storage   = 20
  username            = "shop"
  password            = var.db_password
  skip_final_snapshot = true
}
