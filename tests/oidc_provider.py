"""A small OpenID Connect provider for the sign-in tests, run in its own process on 127.0.0.1.

It serves discovery, JWKS, authorize, token and userinfo for one client and one user, approves
every authorization request at once (as a provider with a remembered sign-in would), signs the
id token with RS256 (joserfc) and checks what a real provider checks: the client, its secret,
the redirect URI, one use per code, and PKCE.

    python tests/oidc_provider.py --client-id ID --client-secret SECRET --email E --sub S

prints "listening http://127.0.0.1:PORT" once it answers, then serves until it is stopped.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey


class Provider:
    def __init__(self, args: argparse.Namespace, issuer: str) -> None:
        self.args = args
        self.issuer = issuer
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.codes: dict[str, dict[str, str]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()

    @property
    def user(self) -> dict[str, Any]:
        return {
            "sub": self.args.sub,
            "email": self.args.email,
            "given_name": self.args.given_name,
            "family_name": self.args.family_name,
        }

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict[str, Any]:
        public = self.key.as_dict(private=False)
        public["alg"] = "RS256"
        return {"keys": [public]}

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        if query.get("client_id") != self.args.client_id:
            return 400, {}, {"error": "unauthorized_client"}
        if query.get("response_type") != "code" or "openid" not in query.get("scope", ""):
            return 400, {}, {"error": "invalid_request"}
        redirect_uri = query.get("redirect_uri", "")
        if not redirect_uri.startswith(("http://", "https://")):
            return 400, {}, {"error": "invalid_request", "error_description": "redirect_uri"}
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {
                "redirect_uri": redirect_uri,
                "nonce": query.get("nonce", ""),
                "challenge": query.get("code_challenge", ""),
                "method": query.get("code_challenge_method", ""),
            }
        back = urlencode({"code": code, "state": query.get("state", "")})
        return 302, {"Location": f"{redirect_uri}?{back}"}, None

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, str], Any]:
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, client_secret = decoded.partition(":")
        if client_id != self.args.client_id or client_secret != self.args.client_secret:
            return 401, {}, {"error": "invalid_client"}
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if form.get("grant_type") != "authorization_code" or grant is None:
            return 400, {}, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {}, {"error": "invalid_grant", "error_description": "redirect_uri"}
        if grant["challenge"]:
            verifier = form.get("code_verifier", "").encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if grant["method"] != "S256" or digest.decode() != grant["challenge"]:
                return 400, {}, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": self.args.sub,
            "aud": self.args.client_id,
            "iat": now,
            "exp": now + 300,
            "email": self.args.email,
        }
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        id_token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)
        access_token = secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[access_token] = self.user
        body = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }
        return 200, {"Cache-Control": "no-store"}, body

    def userinfo(self, authorization: str) -> tuple[int, dict[str, str], Any]:
        with self.lock:
            user = self.tokens.get(authorization.removeprefix("Bearer "))
        if not authorization.startswith("Bearer ") or user is None:
            return 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}, None
        return 200, {}, user


def handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            routes = {
                "/.well-known/openid-configuration": lambda: (200, {}, provider.discovery()),
                "/jwks": lambda: (200, {}, provider.jwks()),
                "/authorize": lambda: provider.authorize(query),
                "/userinfo": lambda: provider.userinfo(self.headers.get("Authorization", "")),
            }
            route = routes.get(url.path)
            self.answer(*(route() if route else (404, {}, {"error": "not_found"})))

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/token":
                self.answer(404, {}, {"error": "not_found"})
                return
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            form = {k: v[0] for k, v in parse_qs(body).items()}
            self.answer(*provider.token(form, self.headers.get("Authorization", "")))

        def answer(self, status: int, headers: dict[str, str], body: Any) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the test reports what matters

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("--client-id", "--client-secret", "--email", "--sub"):
        parser.add_argument(name, required=True)
    parser.add_argument("--given-name", default="Sam")
    parser.add_argument("--family-name", default="Jones")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    issuer = f"http://127.0.0.1:{server.server_address[1]}"
    server.RequestHandlerClass = handler(Provider(args, issuer))
    print(f"listening {issuer}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
