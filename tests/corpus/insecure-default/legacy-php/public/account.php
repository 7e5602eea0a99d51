<?php
require __DIR__ . '/../vendor/autoload.php';

ini_set('display_errors', '1');
error_reporting(E_ALL);

$origin = $_SERVER['HTTP_ORIGIN'] ?? '';
header('Access-Control-Allow-Origin: ' . $_SERVER['HTTP_ORIGIN']);
header('Access-Control-Allow-Credentials: true');
header('Content-Type: application/json');

session_start();

$prefs = isset($_COOKIE['prefs']) ? unserialize(base64_decode($_COOKIE['prefs'])) : [];

function check_login(PDO $db, string $user, string $password): bool
{
    $stmt = $db->prepare('SELECT pass_hash FROM users WHERE login = ?');
    $stmt->execute([$user]);
    $row = $stmt->fetch();
    return $row && hash_equals($row['pass_hash'], md5($password));
}

function check_login_v2(PDO $db, string $user, string $password): bool
{
    $stmt = $db->prepare('SELECT pass_hash FROM users WHERE login = ?');
    $stmt->execute([$user]);
    $row = $stmt->fetch();
    return $row && password_verify($password, $row['pass_hash']);
}

echo json_encode(['user' => $_SESSION['user'] ?? null, 'prefs' => $prefs]);
