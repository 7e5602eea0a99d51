param(
    [string]$Environment = "staging"
)

$ErrorActionPreference = "Stop"

Write-Host "Bootstrapping $Environment"
Write-Host "Token: $env:API_TOKEN"
Write-Host "Token length: $($env:API_TOKEN.Length)"
Get-ChildItem env: | Format-Table
Get-ChildItem env:PATH

$cred = Get-Credential -UserName "svc-deploy" -Message "Deploy account"
Write-Output $cred.GetNetworkCredential().Password
Write-Host "Enter your password when prompted"

Invoke-RestMethod -Uri "https://api.example.com/bootstrap" -Headers @{ Authorization = "Bearer $env:API_TOKEN" }
Write-Host "done"
