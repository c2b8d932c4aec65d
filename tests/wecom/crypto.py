"""An independent implementation of the WeCom callback protocol for the tests (no wechatpy), so a bug
shared with the bot's own crypto cannot hide: AES-256-CBC with key = base64(EncodingAESKey + "="),
IV = the key's first 16 bytes, PKCS#7 padding to 32-byte blocks, plaintext = 16 random bytes +
4-byte big-endian length + message + receiver id; signature = sha1 of the sorted token, timestamp,
nonce and ciphertext, joined.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
from dataclasses import dataclass
from xml.etree import ElementTree

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


def signature(token: str, timestamp: str, nonce: str, ciphertext: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, ciphertext])).encode()).hexdigest()


@dataclass(frozen=True)
class Protocol:
    """One app's callback keys: token, EncodingAESKey and the receiver id (corp id or app id)."""

    token: str
    encoding_aes_key: str
    receiver: str

    @property
    def key(self) -> bytes:
        return base64.b64decode(self.encoding_aes_key + "=")

    def encrypt(self, message: str, random16: bytes | None = None) -> str:
        body = message.encode("utf-8")
        plain = (random16 or os.urandom(16)) + struct.pack(">I", len(body)) + body + self.receiver.encode()
        pad = BLOCK - len(plain) % BLOCK
        plain += bytes([pad]) * pad
        enc = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        return base64.b64encode(enc.update(plain) + enc.finalize()).decode()

    def decrypt(self, ciphertext: str) -> str:
        dec = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).decryptor()
        plain = dec.update(base64.b64decode(ciphertext)) + dec.finalize()
        pad = plain[-1]
        assert 1 <= pad <= BLOCK, "bad padding"
        plain = plain[:-pad]
        (length,) = struct.unpack(">I", plain[16:20])
        message, receiver = plain[20:20 + length], plain[20 + length:]
        assert receiver.decode() == self.receiver, f"receiver {receiver!r}"
        return message.decode("utf-8")

    def sign(self, timestamp: str, nonce: str, ciphertext: str) -> str:
        return signature(self.token, timestamp, nonce, ciphertext)

    def request(self, message: str, timestamp: str = "1764000000", nonce: str = "424242",
                to_user: str = "") -> tuple[dict[str, str], bytes]:
        """Return (query args, body) of a callback POST carrying `message`, as WeCom sends it."""
        ciphertext = self.encrypt(message)
        body = (f"<xml><ToUserName><![CDATA[{to_user or self.receiver}]]></ToUserName>"
                f"<Encrypt><![CDATA[{ciphertext}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>")
        args = {"msg_signature": self.sign(timestamp, nonce, ciphertext), "timestamp": timestamp, "nonce": nonce}
        return args, body.encode()

    def open_reply(self, body: str | bytes) -> ElementTree.Element:
        """Verify and decrypt a passive reply; return the inner XML's root."""
        outer = ElementTree.fromstring(body)
        ciphertext = outer.findtext("Encrypt") or ""
        timestamp, nonce = outer.findtext("TimeStamp") or "", outer.findtext("Nonce") or ""
        assert outer.findtext("MsgSignature") == self.sign(timestamp, nonce, ciphertext), "bad reply signature"
        return ElementTree.fromstring(self.decrypt(ciphertext))


def text_message(sender: str, text: str, msg_id: str, corp_id: str, created: int = 1764000000) -> str:
    """The plaintext XML of a WeCom text message."""
    return (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>")


def event_message(sender: str, event: str, corp_id: str, created: int = 1764000000, key: str = "") -> str:
    """The plaintext XML of a WeCom event."""
    return (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event><EventKey><![CDATA[{key}]]></EventKey><AgentID>1000002</AgentID></xml>")
