"""Generate throwaway key pairs for the load generator's mTLS clients."""
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from Crypto.Cipher import AES, ARC4


def client_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)


def server_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=3072)


def legacy_token_cipher(key: bytes):
    return ARC4.new(key)


def session_cipher(key: bytes, iv: bytes):
    return Cipher(algorithms.AES(key), modes.ECB())


def blob_cipher(key: bytes, nonce: bytes):
    return AES.new(key, AES.MODE_GCM, nonce=nonce)


def pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def fingerprint(cert) -> bytes:
    return cert.fingerprint(hashes.SHA256())
