<?php

declare(strict_types=1);

namespace Acme\Legacy\Http;

use GuzzleHttp\Client;

final class PartnerClient
{
    private Client $http;

    public function __construct(private string $baseUri)
    {
        $this->http = new Client([
            'base_uri' => $baseUri,
            'timeout'  => 10,
            'verify'   => false,
        ]);
    }

    public function fetchInvoice(string $id): array
    {
        $ch = curl_init($this->baseUri . '/invoices/' . rawurlencode($id));
        curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
        curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);
        curl_setopt($ch, CURLOPT_SSL_VERIFYHOST, 2);
        $body = curl_exec($ch);
        curl_close($ch);
        return json_decode((string) $body, true);
    }

    public function fetchSecure(string $path): string
    {
        $client = new Client(['base_uri' => $this->baseUri, 'verify' => '/etc/ssl/certs/partner-ca.pem']);
        return (string) $client->get($path)->getBody();
    }
}
