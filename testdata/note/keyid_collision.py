# Finds two Ed25519 seeds whose public keys, under the same key name and type
# 0x01, share a 32-bit signed-note key ID (a birthday search, ~2^16 keys).
import hashlib
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
name = b"collide"
seen = {}
i = 0
while True:
    seed = hashlib.sha256(b"sightline keyid collision " + str(i).encode()).digest()
    pub = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    kid = hashlib.sha256(name + b"\n\x01" + pub).digest()[:4]
    if kid in seen:
        j = seen[kid]
        print("indexes", j, i, "key id", kid.hex())
        break
    seen[kid] = i
    i += 1
