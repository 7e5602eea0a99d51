resource "aws_s3_bucket" "exports" {
  bucket = "acme-customer-exports"
}

resource "aws_s3_bucket_acl" "exports" {
  bucket = aws_s3_bucket.exports.id
  acl    = "public-read"
}

resource "aws_s3_bucket_public_access_block" "exports" {
  bucket                  = aws_s3_bucket.exports.id
  block_public_acls       = false
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_db_instance" "orders" {
  identifier          = "orders"
  engine              = "postgres"
  engine_version      = "16.2"
  instance_class      = "db.r6g.large"
  allocated_storage   = 200
  storage_encrypted   = false
  publicly_accessible = true
  skip_final_snapshot = false
}

resource "aws_instance" "etl" {
  ami           = data.aws_ami.al2023.id
  instance_type = "m6i.large"

  root_block_device {
    volume_size = 100
    encrypted   = true
  }

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "optional"
  }
}

resource "aws_iam_role_policy" "etl" {
  name = "etl"
  role = aws_iam_role.etl.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = "*"
    }]
  })
}

resource "google_storage_bucket_iam_member" "reports_public" {
  bucket = google_storage_bucket.reports.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "azurerm_storage_account" "logs" {
  name                            = "acmelogs"
  resource_group_name             = azurerm_resource_group.main.name
  location                        = "westeurope"
  account_tier                    = "Standard"
  account_replication_type        = "GRS"
  min_tls_version                 = "TLS1_0"
  allow_nested_items_to_be_public = false
}
