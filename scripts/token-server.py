#!/usr/bin/env python3
"""A small Docker registry token server (distribution "token" auth) for tests, stdlib only.

Implements the Docker token specification closely enough for real clients (skopeo, imagespec):

* ``GET  /token?service=S&scope=S1&scope=S2[&offline_token=true]`` with optional HTTP Basic credentials
  -> ``{"token", "access_token", "expires_in", "issued_at"[, "refresh_token"]}``
* ``POST /token`` (``application/x-www-form-urlencoded``) with ``grant_type=password`` (``username``,
  ``password``, ``access_type=offline`` for a refresh token) or ``grant_type=refresh_token`` (``refresh_token``)
  -> ``{"access_token", "token", "scope", "expires_in", "issued_at"[, "refresh_token"]}``

Tokens are RS256 JWTs carrying the signing certificate in the ``x5c`` header; the registry trusts that
certificate through ``auth.token.rootcertbundle``. Signing uses the ``cryptography`` package when importable
(the project's .venv has it), else the ``openssl`` command line.

Users and grants come from a JSON file that is re-read on every request, so a test can change them mid-run::

    {
      "accounts": [
        {"username": "u", "password": "p",
         "grants": [{"repository": "*", "actions": ["pull", "push", "delete"]}]},
        {"username": "oauth2accesstoken", "password": "ya29.x", "grants": [{"project": "test-project"}]},
        {"json_key": {"client_email": "sa@test-project.iam.gserviceaccount.com"},
         "grants": [{"project": "test-project", "actions": ["pull"]}]},
        {"refresh_token": "rt-static", "username": "u-refresh", "grants": [{"repository": "a/*"}]}
      ],
      "projects": {"test-project": ["created-repo"]},
      "anonymous_grants": [{"repository": "public/*", "actions": ["pull"]}]
    }

Grant forms: ``{"repository": GLOB, "actions": [...]}`` (fnmatch over the repository name; ``*`` spans ``/``) and
``{"project": P, "actions": [...]}`` (Artifact-Registry style: names ``P/REPO/IMAGE...`` whose ``REPO`` is listed
under ``projects[P]``). ``actions`` defaults to ``["pull", "push"]``; ``"*"`` allows everything asked for.
Credentials: plain username/password; the username ``_token`` is an alias of ``oauth2accesstoken``; usernames
``_json_key`` / ``_json_key_base64`` carry a service-account key (JSON, or base64 of it) whose fields must
include every field of an account's ``json_key``. Wrong credentials get ``401`` with a distribution-style
``{"errors":[{"code":"UNAUTHORIZED",...}]}`` body; no credentials get a token holding the anonymous grants.

Each request is logged as one JSON line (no secrets) to ``--log``.

Artifact Registry emulation (documented behaviour, not observed against the real service):

* The token server also answers a subset of the Artifact Registry REST API v1 with ``Authorization: Bearer <access
  token>`` (the password of an ``oauth2accesstoken`` account): ``GET /v1/projects/P/locations/L/repositories/R``
  (200 / 404 NOT_FOUND / 403 PERMISSION_DENIED: needs any ``{"project": P}`` grant), ``POST
  /v1/projects/P/locations/L/repositories?repositoryId=R`` (needs a project grant with action ``create`` or ``*``;
  409 ALREADY_EXISTS; answers a long-running operation) and ``GET /v1/projects/P/locations/L/operations/ID`` (done
  after ``operation_polls`` polls, default 1; the repository is then added to ``projects[P]`` in the config file,
  so pushes are granted from then on). Errors use Google's ``{"error":{"code","message","status"}}`` envelope.
* ``--gar-proxy UPSTREAM`` runs a loopback proxy in front of a distribution registry instead of a token server: it
  forwards every request and rewrites the registry's ``401 insufficient_scope`` answers to requests that carried a
  Bearer token into what Artifact Registry answers (distribution v2.8 cannot produce these bodies itself):
  ``404 NAME_UNKNOWN: Repository "R" not found`` when R is not listed under ``projects[P]`` and the caller has a
  grant on P; ``403 DENIED: Unauthenticated request. Unauthenticated requests do not have permission ...`` for an
  anonymous token; otherwise ``403 DENIED: Permission "artifactregistry.repositories.uploadArtifacts" (or
  downloadArtifacts for GET/HEAD) denied on resource "projects/P/locations/L/repositories/R" (or it may not
  exist)``. A 401 for a stale token whose caller *is* allowed now (the repository was created since) is passed on
  unchanged, so the client fetches a fresh token, as GAR checks permissions per request.
"""

import argparse
import base64
import binascii
import fnmatch
import http.client
import json
import re
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_ACTIONS = ["pull", "push"]
USERNAME_ALIASES = {"_token": "oauth2accesstoken", "_dcgcloud_token": "oauth2accesstoken"}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Signer:
    """RS256 signer: `cryptography` if available, else `openssl dgst -sha256 -sign`."""

    def __init__(self, key_path, cert_path, force_openssl=False):
        self.key_path = key_path
        with open(cert_path, "rb") as f:
            pem = f.read()
        self.x5c = [self._pem_to_der_b64(pem)]
        self._key = None
        if not force_openssl:
            try:
                from cryptography.hazmat.primitives import serialization

                with open(key_path, "rb") as f:
                    self._key = serialization.load_pem_private_key(f.read(), password=None)
            except ImportError:
                self._key = None
        self.backend = "cryptography" if self._key is not None else "openssl"

    @staticmethod
    def _pem_to_der_b64(pem):
        lines = pem.decode("ascii").strip().splitlines()
        body = "".join(line for line in lines if not line.startswith("-----"))
        base64.b64decode(body, validate=True)  # fail early on a broken certificate
        return body

    def sign(self, message):
        if self._key is not None:
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import padding

            return self._key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        result = subprocess.run(
            ["openssl", "dgst", "-sha256", "-sign", self.key_path],
            input=message, capture_output=True, check=False,
        )
        if result.returncode != 0:
            raise RuntimeError("openssl dgst -sign failed: " + result.stderr.decode(errors="replace").strip())
        return result.stdout

    def jwt(self, claims):
        header = {"typ": "JWT", "alg": "RS256", "x5c": self.x5c}
        signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "."
                         + b64url(json.dumps(claims, separators=(",", ":")).encode()))
        return signing_input + "." + b64url(self.sign(signing_input.encode("ascii")))


def parse_scope(scope):
    """'repository:a/b:pull,push' -> ('repository', 'a/b', ['pull', 'push']); the name may contain ':'."""
    first = scope.find(":")
    last = scope.rfind(":")
    if first < 0 or last == first:
        return None
    rtype = scope[:first]
    if "(" in rtype:  # resource class, e.g. repository(plugin)
        rtype = rtype[: rtype.index("(")]
    name = scope[first + 1: last]
    actions = [a for a in scope[last + 1:].split(",") if a]
    if not rtype or not name:
        return None
    return rtype, name, actions


class Config:
    def __init__(self, path):
        self.path = path

    def load(self):
        try:
            with open(self.path, encoding="utf-8") as f:
                data = json.load(f)
        except FileNotFoundError:
            data = {}
        if not isinstance(data, dict):
            raise ValueError(f"{self.path}: top level must be a JSON object")
        return data


def grant_allows(grant, rtype, name, projects):
    """Actions this grant permits on (rtype, name), or None when it does not apply."""
    if rtype != grant.get("type", "repository"):
        return None
    actions = grant.get("actions", DEFAULT_ACTIONS)
    if "repository" in grant:
        return actions if fnmatch.fnmatchcase(name, grant["repository"]) else None
    if "project" in grant:
        parts = name.split("/")
        if len(parts) >= 3 and parts[0] == grant["project"] and parts[1] in projects.get(grant["project"], []):
            return actions
        return None
    return None


def granted_access(grants, requested, projects):
    access = []
    for rtype, name, actions in requested:
        allowed = set()
        for grant in grants:
            permitted = grant_allows(grant, rtype, name, projects)
            if permitted is None:
                continue
            allowed.update(actions if "*" in permitted else [a for a in actions if a in permitted])
        kept = [a for a in actions if a in allowed]
        if kept:
            access.append({"type": rtype, "name": name, "actions": kept})
    return access


def decode_json_key(username, password):
    raw = password
    if username == "_json_key_base64":
        try:
            raw = base64.b64decode(password, validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
    try:
        key = json.loads(raw)
    except ValueError:
        return None
    return key if isinstance(key, dict) else None


def find_account(config, username, password):
    accounts = config.get("accounts", [])
    if username in ("_json_key", "_json_key_base64"):
        key = decode_json_key(username, password)
        if key is None:
            return None
        for account in accounts:
            wanted = account.get("json_key")
            if isinstance(wanted, dict) and wanted and all(key.get(k) == v for k, v in wanted.items()):
                return account
        return None
    username = USERNAME_ALIASES.get(username, username)
    for account in accounts:
        if account.get("username") == username and "password" in account \
                and secrets.compare_digest(str(account["password"]), password):
            return account
    return None


class TokenServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, config, signer, issuer, ttl, log_path):
        super().__init__(address, Handler)
        self.config = config
        self.signer = signer
        self.issuer = issuer
        self.ttl = ttl
        self.log_path = log_path
        self.lock = threading.Lock()
        self.refresh_tokens = {}  # issued refresh token -> account key
        self.operations = {}  # Artifact Registry operation name -> pending creation

    def add_repository(self, project, repository):
        """Adds REPOSITORY to projects[PROJECT] in the config file (atomically), i.e. "creates" it."""
        with self.lock:
            data = self.config.load()
            projects = data.setdefault("projects", {})
            repos = projects.setdefault(project, [])
            if repository not in repos:
                repos.append(repository)
                write_atomically(self.config.path, json.dumps(data, indent=2, sort_keys=True))

    def log_event(self, event):
        if not self.log_path:
            return
        line = json.dumps(event, sort_keys=True)
        with self.lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def subject(account):
    if account is None:
        return ""
    return account.get("username") or (account.get("json_key") or {}).get("client_email", "")


def account_key(account):
    if "username" in account:
        return "user:" + account["username"]
    return "json_key:" + json.dumps(account.get("json_key"), sort_keys=True)


class Handler(BaseHTTPRequestHandler):
    server_version = "imagespec-token-server/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: events go to the JSON log instead
        pass

    # -- responses -------------------------------------------------------------------------------------------
    def send_json(self, status, body, extra_headers=()):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def unauthorized(self, message, event):
        event.update(status=401, error=message)
        self.server.log_event(event)
        self.send_json(401, {"errors": [{"code": "UNAUTHORIZED", "message": message, "detail": None}]},
                       [("WWW-Authenticate", 'Basic realm="imagespec-token-server"')])

    def bad_request(self, message, event, code="invalid_request"):
        event.update(status=400, error=message)
        self.server.log_event(event)
        self.send_json(400, {"error": code, "error_description": message,
                             "errors": [{"code": "UNSUPPORTED", "message": message, "detail": None}]})

    # -- request parsing -------------------------------------------------------------------------------------
    def basic_credentials(self):
        header = self.headers.get("Authorization")
        if not header:
            return None
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return ("", "")  # unusable credentials: treated as wrong
        try:
            decoded = base64.b64decode(value.strip(), validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return ("", "")
        username, _, password = decoded.partition(":")
        return (username, password)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("/", "/healthz"):
            self.send_json(200, {"ok": True})
            return
        if url.path.startswith("/v1/"):
            self.artifact_registry_api(url)
            return
        if url.path != "/token":
            self.send_json(404, {"errors": [{"code": "NOT_FOUND", "message": "no such endpoint"}]})
            return
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        scopes = [s for value in query.get("scope", []) for s in value.split(" ") if s]
        service = (query.get("service") or [""])[0]
        offline = (query.get("offline_token") or ["false"])[0].lower() == "true"
        event = {"method": "GET", "service": service, "requested": scopes}
        config = self.load_config(event)
        if config is None:
            return
        creds = self.basic_credentials()
        if creds is None:
            account = None
            event["account"] = "anonymous"
        else:
            account = find_account(config, *creds)
            event["username"] = creds[0]
            if account is None:
                self.unauthorized("authentication failed", event)
                return
            event["account"] = account_key(account)
        self.issue(config, account, service, scopes, offline, event, post=False)

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith("/v1/"):
            self.artifact_registry_api(url)
            return
        event = {"method": "POST"}
        if url.path != "/token":
            self.send_json(404, {"errors": [{"code": "NOT_FOUND", "message": "no such endpoint"}]})
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
        form = urllib.parse.parse_qs(body, keep_blank_values=True)
        field = lambda name: (form.get(name) or [""])[0]  # noqa: E731
        scopes = [s for value in form.get("scope", []) for s in value.split(" ") if s]
        service = field("service")
        grant_type = field("grant_type")
        event.update(service=service, requested=scopes, grant_type=grant_type, client_id=field("client_id"))
        config = self.load_config(event)
        if config is None:
            return
        if grant_type == "password":
            event["username"] = field("username")
            account = find_account(config, field("username"), field("password"))
            if account is None:
                self.unauthorized("authentication failed", event)
                return
        elif grant_type == "refresh_token":
            account = self.account_for_refresh_token(config, field("refresh_token"))
            if account is None:
                self.unauthorized("invalid refresh token", event)
                return
        else:
            self.bad_request(f"unsupported grant_type {grant_type!r}", event, code="unsupported_grant_type")
            return
        event["account"] = account_key(account)
        offline = field("access_type") == "offline"
        self.issue(config, account, service, scopes, offline, event, post=True)

    # -- Artifact Registry API emulation ---------------------------------------------------------------------
    def google_error(self, status, code_name, message, event):
        event.update(status=status, error=code_name)
        self.server.log_event(event)
        self.send_json(status, {"error": {"code": status, "message": message, "status": code_name}})

    def artifact_registry_api(self, url):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        event = {"api": "artifactregistry", "method": self.command, "path": url.path}
        config = self.load_config(event)
        if config is None:
            return
        header = self.headers.get("Authorization") or ""
        scheme, _, token = header.partition(" ")
        account = None
        if scheme.lower() == "bearer" and token.strip():
            account = find_account(config, "oauth2accesstoken", token.strip())
        if account is None:
            self.google_error(401, "UNAUTHENTICATED",
                              "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
                              "cookie or other valid authentication credential.", event)
            return
        event["account"] = account_key(account)
        parts = url.path.strip("/").split("/")
        # v1 projects P locations L (repositories [R] | operations ID)
        if len(parts) < 6 or parts[1] != "projects" or parts[3] != "locations":
            self.google_error(404, "NOT_FOUND", "no such API method", event)
            return
        project, location, collection = parts[2], parts[4], parts[5]
        project_actions = set()
        for grant in account.get("grants", []):
            if grant.get("project") == project:
                project_actions.update(grant.get("actions", DEFAULT_ACTIONS))
        parent = f"projects/{project}/locations/{location}"
        repos = config.get("projects", {}).get(project, [])
        if collection == "repositories" and len(parts) == 7 and self.command == "GET":
            repo = parts[6]
            name = f"{parent}/repositories/{repo}"
            if not project_actions:
                self.google_error(403, "PERMISSION_DENIED",
                                  f"Permission 'artifactregistry.repositories.get' denied on resource "
                                  f"'//artifactregistry.googleapis.com/{name}' (or it may not exist).", event)
                return
            if repo not in repos:
                self.google_error(404, "NOT_FOUND", f"Requested entity was not found.", event)
                return
            event.update(status=200)
            self.server.log_event(event)
            self.send_json(200, repository_json(name))
            return
        if collection == "repositories" and len(parts) == 6 and self.command == "POST":
            query = urllib.parse.parse_qs(url.query)
            repo = (query.get("repositoryId") or [""])[0]
            event["repository"] = repo
            if not ("create" in project_actions or "*" in project_actions):
                self.google_error(403, "PERMISSION_DENIED",
                                  f"Permission 'artifactregistry.repositories.create' denied on resource "
                                  f"'//artifactregistry.googleapis.com/{parent}' (or it may not exist).", event)
                return
            try:
                wanted = json.loads(body or b"{}")
            except ValueError:
                wanted = None
            if not isinstance(wanted, dict) or wanted.get("format") != "DOCKER" \
                    or wanted.get("mode", "STANDARD_REPOSITORY") != "STANDARD_REPOSITORY":
                self.google_error(400, "INVALID_ARGUMENT", "expected a DOCKER STANDARD_REPOSITORY", event)
                return
            if not re.fullmatch(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?", repo):
                self.google_error(400, "INVALID_ARGUMENT", f"invalid repository id {repo!r}", event)
                return
            if repo in repos:
                self.google_error(409, "ALREADY_EXISTS", "the repository already exists", event)
                return
            op_id = secrets.token_hex(8)
            op_name = f"{parent}/operations/{op_id}"
            with self.server.lock:
                self.server.operations[op_name] = {
                    "project": project, "repository": repo, "name": f"{parent}/repositories/{repo}",
                    "polls_left": int(config.get("operation_polls", 1)),
                    "description": wanted.get("description"),
                }
            event.update(status=200, operation=op_name)
            self.server.log_event(event)
            self.send_json(200, {"name": op_name, "done": False, "metadata": {
                "@type": "type.googleapis.com/google.devtools.artifactregistry.v1.OperationMetadata"}})
            return
        if collection == "operations" and len(parts) == 7 and self.command == "GET":
            op_name = f"{parent}/operations/{parts[6]}"
            with self.server.lock:
                operation = self.server.operations.get(op_name)
                if operation is not None and operation["polls_left"] > 0:
                    operation["polls_left"] -= 1
                    pending = True
                else:
                    pending = False
            if operation is None:
                self.google_error(404, "NOT_FOUND", "Requested entity was not found.", event)
                return
            if pending:
                event.update(status=200, done=False)
                self.server.log_event(event)
                self.send_json(200, {"name": op_name, "done": False})
                return
            self.server.add_repository(operation["project"], operation["repository"])
            event.update(status=200, done=True, repository=operation["repository"])
            self.server.log_event(event)
            self.send_json(200, {"name": op_name, "done": True, "response": repository_json(
                operation["name"], operation.get("description"))})
            return
        self.google_error(404, "NOT_FOUND", "no such API method", event)

    def load_config(self, event):
        try:
            return self.server.config.load()
        except (OSError, ValueError) as error:
            event.update(status=500, error=str(error))
            self.server.log_event(event)
            self.send_json(500, {"errors": [{"code": "UNKNOWN", "message": f"token server config: {error}"}]})
            return None

    def account_for_refresh_token(self, config, token):
        if not token:
            return None
        for account in config.get("accounts", []):
            static = account.get("refresh_token")
            if static and secrets.compare_digest(str(static), token):
                return account
        with self.server.lock:
            key = self.server.refresh_tokens.get(token)
        if key is None:
            return None
        for account in config.get("accounts", []):
            if account_key(account) == key:
                return account
        return None  # the account was removed from the config since

    def issue(self, config, account, service, scopes, offline, event, post):
        requested = []
        for scope in scopes:
            parsed = parse_scope(scope)
            if parsed is None:
                self.bad_request(f"malformed scope {scope!r}", event)
                return
            requested.append(parsed)
        grants = account.get("grants", []) if account is not None else config.get("anonymous_grants", [])
        access = granted_access(grants, requested, config.get("projects", {}))
        now = int(time.time())
        ttl = int(config.get("token_ttl", self.server.ttl))
        claims = {
            "iss": self.server.issuer,
            "sub": subject(account),
            "aud": service,
            "exp": now + ttl,
            "nbf": now - 10,
            "iat": now,
            "jti": secrets.token_hex(16),
            "access": access,
        }
        if account is not None:
            claims["acct"] = account_fingerprint(account)  # lets the GAR proxy find the account again
        try:
            token = self.server.signer.jwt(claims)
        except RuntimeError as error:
            event.update(status=500, error=str(error))
            self.server.log_event(event)
            self.send_json(500, {"errors": [{"code": "UNKNOWN", "message": str(error)}]})
            return
        body = {
            "token": token,
            "access_token": token,
            "expires_in": ttl,
            "issued_at": datetime.fromtimestamp(now, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if post:
            body["scope"] = " ".join(scopes)
        if offline and account is not None:
            refresh = "rt-" + secrets.token_urlsafe(24)
            with self.server.lock:
                self.server.refresh_tokens[refresh] = account_key(account)
            body["refresh_token"] = refresh
        event.update(status=200, granted=[f"{a['type']}:{a['name']}:{','.join(a['actions'])}" for a in access])
        self.server.log_event(event)
        self.send_json(200, body)


def repository_json(name, description=None):
    body = {"name": name, "format": "DOCKER", "mode": "STANDARD_REPOSITORY",
            "createTime": "2026-01-01T00:00:00Z", "updateTime": "2026-01-01T00:00:00Z"}
    if description:
        body["description"] = description
    body["@type"] = "type.googleapis.com/google.devtools.artifactregistry.v1.Repository"
    return body


# -- GAR proxy ---------------------------------------------------------------------------------------------------
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade"}
NAME_PATTERN = re.compile(r"^/v2/(.+?)/(blobs|manifests|tags|referrers)(/|$)")


def jwt_claims(token):
    """The claims of a JWT without verifying it (the registry verified it already)."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
        return claims if isinstance(claims, dict) else {}
    except (IndexError, ValueError, binascii.Error):
        return {}


def account_fingerprint(account):
    import hashlib
    return hashlib.sha256(json.dumps(account, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def account_for_claims(config, claims):
    for account in config.get("accounts", []):
        if claims.get("acct") and account_fingerprint(account) == claims["acct"]:
            return account
    return None


class GarProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, upstream, config, location, log_path):
        super().__init__(address, ProxyHandler)
        parsed = urllib.parse.urlsplit(upstream)
        self.upstream = (parsed.hostname, parsed.port or 80)
        self.config = config
        self.location = location
        self.log_path = log_path
        self.lock = threading.Lock()

    def log_event(self, event):
        if not self.log_path:
            return
        with self.lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(event, sort_keys=True) + "\n")


class ProxyHandler(BaseHTTPRequestHandler):
    server_version = "imagespec-gar-proxy/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        return None

    def forward(self):
        chunked_body = self.read_body()
        length = len(chunked_body) if chunked_body is not None else int(self.headers.get("Content-Length") or 0)
        connection = http.client.HTTPConnection(*self.server.upstream, timeout=600)
        connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            if name.lower() in HOP_BY_HOP or name.lower() == "content-length":
                continue
            connection.putheader(name, value)
        if length or self.command in ("POST", "PUT", "PATCH"):
            connection.putheader("Content-Length", str(length))
        connection.endheaders()
        if chunked_body is not None:
            connection.send(chunked_body)
        else:
            remaining = length
            while remaining > 0:
                piece = self.rfile.read(min(remaining, 1 << 16))
                if not piece:
                    break
                connection.send(piece)
                remaining -= len(piece)
        response = connection.getresponse()
        event = {"method": self.command, "path": self.path.split("?")[0], "status": response.status}
        rewritten = self.gar_answer(response)
        if rewritten is not None:
            response.read()
            connection.close()
            status, body = rewritten
            event.update(rewritten=status, code=body["errors"][0]["code"])
            self.server.log_event(event)
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            return
        self.server.log_event(event)
        self.send_response(response.status)
        has_length = response.getheader("Content-Length") is not None
        for name, value in response.getheaders():
            if name.lower() in HOP_BY_HOP:
                continue
            self.send_header(name, value)
        if self.command == "HEAD" or response.status in (204, 304):
            self.end_headers()
            response.read()
        elif has_length:
            self.end_headers()
            while True:
                piece = response.read(1 << 16)
                if not piece:
                    break
                self.wfile.write(piece)
        else:
            data = response.read()
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        connection.close()

    def gar_answer(self, response):
        """(status, body) of Artifact Registry's answer instead of distribution's 401, or None to pass it on."""
        if response.status != 401:
            return None
        challenge = response.getheader("WWW-Authenticate") or ""
        authorization = self.headers.get("Authorization") or ""
        if "insufficient_scope" not in challenge or not authorization.lower().startswith("bearer "):
            return None
        match = NAME_PATTERN.match(urllib.parse.urlsplit(self.path).path)
        if match is None:
            return None
        parts = match.group(1).split("/")
        if len(parts) < 3:
            return (400, {"errors": [{"code": "NAME_INVALID", "message": "Missing image name. Pushes should be of "
                                      "the form docker push HOST-NAME/PROJECT-ID/REPOSITORY/IMAGE"}]})
        project, repo = parts[0], parts[1]
        try:
            config = self.server.config.load()
        except (OSError, ValueError):
            return None
        claims = jwt_claims(authorization.split(" ", 1)[1].strip())
        account = account_for_claims(config, claims)
        writing = self.command not in ("GET", "HEAD")
        permission = "uploadArtifacts" if writing else "downloadArtifacts"
        resource = f"projects/{project}/locations/{self.server.location}/repositories/{repo}"
        if account is None:
            return (403, {"errors": [{"code": "DENIED", "message":
                                      f"Unauthenticated request. Unauthenticated requests do not have permission "
                                      f"\"artifactregistry.repositories.{permission}\" on resource \"{resource}\" "
                                      f"(or it may not exist)"}]})
        projects = config.get("projects", {})
        has_project = any(g.get("project") == project for g in account.get("grants", []))
        if has_project and repo not in projects.get(project, []):
            return (404, {"errors": [{"code": "NAME_UNKNOWN", "message": f"Repository \"{repo}\" not found"}]})
        wanted = ["pull", "push"] if writing else ["pull"]
        allowed = granted_access(account.get("grants", []), [("repository", match.group(1), wanted)], projects)
        if allowed and set(allowed[0]["actions"]) == set(wanted):
            return None  # a stale token of a caller who may do this now: let the client fetch a fresh one
        return (403, {"errors": [{"code": "DENIED", "message":
                                  f"Permission \"artifactregistry.repositories.{permission}\" denied on resource "
                                  f"\"{resource}\" (or it may not exist)"}]})

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = forward


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description="Docker registry token server for tests (127.0.0.1 only).")
    parser.add_argument("--config", required=True, help="JSON users/grants file, re-read on every request")
    parser.add_argument("--key", help="PEM RSA private key used to sign tokens (token server)")
    parser.add_argument("--cert", help="PEM certificate of that key (the registry's rootcertbundle)")
    parser.add_argument("--gar-proxy", metavar="UPSTREAM",
                        help="run the Artifact Registry answer proxy in front of this registry URL instead")
    parser.add_argument("--gar-location", default="us-east1", help="location named in the proxy's GAR errors")
    parser.add_argument("--issuer", default="imagespec-token-server", help="JWT iss (registry auth.token.issuer)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    parser.add_argument("--port-file", help="write the bound port here once listening")
    parser.add_argument("--log", help="append one JSON line per request here")
    parser.add_argument("--ttl", type=int, default=300, help="token lifetime in seconds")
    parser.add_argument("--openssl", action="store_true", help="sign with the openssl CLI even if cryptography exists")
    args = parser.parse_args()

    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--host must be a loopback address")
    if args.gar_proxy:
        upstream_host = urllib.parse.urlsplit(args.gar_proxy).hostname
        if upstream_host not in ("127.0.0.1", "localhost", "::1"):
            parser.error("--gar-proxy must be a loopback URL")
        proxy = GarProxy((args.host, args.port), args.gar_proxy, Config(args.config), args.gar_location, args.log)
        if args.port_file:
            write_atomically(args.port_file, f"{proxy.server_address[1]}\n")
        try:
            proxy.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            proxy.server_close()
        return 0
    if not args.key or not args.cert:
        parser.error("--key and --cert are required (unless --gar-proxy)")
    try:
        signer = Signer(args.key, args.cert, force_openssl=args.openssl or os.environ.get("TOKEN_SIGNER") == "openssl")
        Config(args.config).load()
        server = TokenServer((args.host, args.port), Config(args.config), signer, args.issuer, args.ttl, args.log)
    except (OSError, ValueError) as error:
        print(f"token-server.py: error: {error}", file=sys.stderr)
        return 1
    port = server.server_address[1]
    if args.port_file:
        write_atomically(args.port_file, f"{port}\n")
    print(f"token-server.py: listening on http://{args.host}:{port}/token (signer: {signer.backend})",
          file=sys.stderr, flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
