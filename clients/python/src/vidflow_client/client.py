"""``VidflowClient``: one method per API route, over one httpx session.

    from vidflow_client import VidflowClient

    with VidflowClient() as vf:              # VIDFLOW_URL / VIDFLOW_TOKEN or stored credentials
        project = vf.create_project("Voyager", idea="How two probes left the solar system")
        accepted = vf.generate_outline(project.id)
        run = vf.wait_for_run(accepted.run_id)

What every call gets for free: the bearer token (refreshed once when the server says it expired,
the rotated refresh token stored), the envelope unwrapped into a model or raised as a
``VidflowError``, ``429`` retried after ``Retry-After`` a bounded number of times, and on POST a
fresh ``Idempotency-Key`` per call, reused when the call is retried after a network error, so a
retried generation is never charged twice.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import httpx

from . import auth
from .auth import CLI_CLIENT_ID, CredentialStore, DeviceCode, Tokens
from .errors import (
    AuthenticationError,
    NotSignedIn,
    OAuthError,
    RateLimited,
    RunFailed,
    RunTimeout,
    TransportError,
    VidflowError,
    error_class,
    not_enough_credits,
)
from .models import (
    Accepted,
    Analysis,
    Balance,
    BibleEntry,
    Channel,
    ChannelSetup,
    Chapter,
    Deleted,
    Hook,
    LedgerEntry,
    MakeStarted,
    Model,
    Music,
    OutlierSearch,
    OutlierVideo,
    Outline,
    Page,
    Price,
    Project,
    ProjectDetail,
    PublishContext,
    PublishSuggestion,
    Quote,
    RenderStatus,
    Run,
    Shot,
    ShotRun,
    ThumbnailStatus,
    TitleIdea,
    Voice,
    Voiceover,
)

DEFAULT_URL = "http://127.0.0.1:8000"
LONG_POLL = 25  # seconds per long poll of a run (the server holds at most 30)
M = TypeVar("M", bound=Model)
ProgressCallback = Callable[[Run], None]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _body(**fields: Any) -> dict[str, Any]:
    """A JSON body from keyword arguments: camelCase keys, ``None`` left out."""
    return {_camel(k): v for k, v in fields.items() if v is not None}


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _on_this_server(link: str) -> str:
    """A ``next``/``previous`` link as a path on the server this client talks to: the server
    builds them on its public address, which a client on another route to it may not reach."""
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class VidflowClient:
    """A synchronous client of the VidFlow API. Thread-safe; close it (or use ``with``).

    Credentials, first found wins: ``token=``, ``$VIDFLOW_TOKEN``, then the tokens stored by
    ``login()`` for this server and ``client_id`` (only those can be refreshed).
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        token: str | None = None,
        client_id: str = CLI_CLIENT_ID,
        store: CredentialStore | None = None,
        timeout: float = 60.0,
        max_rate_limit_retries: int = 3,
        max_network_retries: int = 2,
        max_retry_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = (base_url or os.environ.get("VIDFLOW_URL") or DEFAULT_URL).rstrip("/")
        self.client_id = client_id
        # What a user runs to sign this client in again (named in every "signed out" error).
        self.login_command = (
            "vidflow-mcp login" if client_id == auth.MCP_CLIENT_ID else "vidflow login"
        )
        self.store = store if store is not None else CredentialStore()
        self.max_rate_limit_retries = max_rate_limit_retries
        self.max_network_retries = max_network_retries
        self.max_retry_wait = max_retry_wait
        self._sleep = sleep
        self._timeout = timeout
        self._lock = threading.Lock()
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "vidflow-client/0.1"},
        )
        token = token or os.environ.get("VIDFLOW_TOKEN") or None
        self._fixed_token = token
        self._tokens: Tokens | None = (
            None if token else self.store.load(self.base_url, self.client_id)
        )

    # --- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> VidflowClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"VidflowClient({self.base_url!r}, client_id={self.client_id!r})"

    # --- signing in ----------------------------------------------------------------------------

    @property
    def tokens(self) -> Tokens | None:
        """The stored sign-in in use (``None`` with a fixed token or when signed out)."""
        return self._tokens

    @property
    def signed_in(self) -> bool:
        return bool(self._fixed_token or self._tokens)

    @property
    def token_source(self) -> str:
        if self._fixed_token:
            from_env = self._fixed_token == os.environ.get("VIDFLOW_TOKEN")
            return "VIDFLOW_TOKEN" if from_env else "token"
        return str(self.store.path) if self._tokens else "none"

    def start_login(self, scope: str = auth.ALL_SCOPES) -> DeviceCode:
        """Start a device flow; show the user ``verification_uri`` and ``user_code``."""
        return auth.start_device_flow(self._http, client_id=self.client_id, scope=scope)

    def finish_login(
        self, device: DeviceCode, *, on_wait: Callable[[float], None] | None = None
    ) -> Tokens:
        """Poll until the user approves (or denies) ``device``; store and use the tokens."""
        tokens = auth.poll_device_token(
            self._http, device, client_id=self.client_id, sleep=self._sleep, on_wait=on_wait
        )
        self._use(tokens)
        return tokens

    def login(
        self,
        scope: str = auth.ALL_SCOPES,
        *,
        on_code: Callable[[DeviceCode], None] | None = None,
    ) -> Tokens:
        """The whole device flow: ``on_code`` is told the code to show, then this waits for the
        user's decision. Raises ``AuthorizationDenied`` or ``AuthorizationExpired``."""
        device = self.start_login(scope)
        if on_code is not None:
            on_code(device)
        return self.finish_login(device)

    def _use(self, tokens: Tokens) -> None:
        self._tokens = tokens
        self._fixed_token = None
        self.store.save(self.base_url, self.client_id, tokens)

    def refresh(self) -> Tokens:
        """Trade the refresh token for a new pair and store it (the old one is dead now)."""
        with self._lock:
            return self._refresh_locked()

    def _refresh_locked(self, used: str | None = None) -> Tokens:
        """Refresh, unless another process already has (``used``: the access token the server
        just refused, if that is why).

        Under the credentials file's lock, shared by every process using the file: the file is
        read again first, and if another process refreshed since this one read it, its tokens
        are taken instead of refreshing with a refresh token the server has rotated away
        (presenting that again is a replay, which ends the sign-in everywhere).
        """
        with self.store.locked():
            current = self._tokens
            stored = self.store.load(self.base_url, self.client_id)
            if (
                stored is not None
                and stored.refresh_token
                and (current is None or stored.refresh_token != current.refresh_token)
            ):
                self._tokens = current = stored
                if not stored.expired() and stored.access_token != used:
                    return stored
            if current is None or not current.refresh_token:
                raise NotSignedIn(
                    f"No refresh token: sign in with `{self.login_command}`.",
                    code="UNAUTHENTICATED",
                )
            try:
                tokens = auth.refresh_tokens(
                    self._http, client_id=self.client_id, refresh_token=current.refresh_token
                )
            except OAuthError as exc:
                if exc.code in ("invalid_grant", "invalid_client"):
                    # The sign-in was revoked or ended elsewhere: it cannot come back.
                    self._tokens = None
                    self.store.delete(self.base_url, self.client_id)
                    raise AuthenticationError(
                        "Your sign-in has expired or was revoked: sign in again "
                        f"(`{self.login_command}`).",
                        code="INVALID_TOKEN",
                        status=exc.status,
                    ) from exc
                raise
            self._use(tokens)
            return tokens

    def logout(self) -> bool:
        """Revoke the stored sign-in on the server and forget it. False if there was none."""
        tokens = self._tokens
        if tokens is None:
            return False
        token = tokens.refresh_token or tokens.access_token
        hint = "refresh_token" if tokens.refresh_token else "access_token"
        try:
            auth.revoke_token(self._http, client_id=self.client_id, token=token, hint=hint)
        finally:
            self._tokens = None
            self.store.delete(self.base_url, self.client_id)
        return True

    def _access_token(self) -> str | None:
        if self._fixed_token:
            return self._fixed_token
        with self._lock:
            tokens = self._tokens
            if tokens is not None and tokens.expired() and tokens.refresh_token:
                tokens = self._refresh_locked()
            return tokens.access_token if tokens else None

    def _refresh_after_401(self, used: str | None) -> bool:
        """Refresh once after the server refused ``used``; False when that cannot help."""
        if self._fixed_token:
            return False
        with self._lock:
            tokens = self._tokens
            if tokens is None or not tokens.refresh_token:
                return False
            if tokens.access_token != used:
                return True  # another thread refreshed meanwhile
            self._refresh_locked(used)
            return True

    # --- transport -----------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> tuple[httpx.Response, str | None]:
        headers: dict[str, str] = {}
        token = self._access_token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        response = self._http.request(
            method,
            url,
            json=json,
            params={k: v for k, v in (params or {}).items() if v is not None},
            headers=headers,
            timeout=timeout if timeout is not None else self._timeout,
        )
        return response, token

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Any:
        """Call a route; answers the envelope's ``data`` or raises a ``VidflowError``."""
        method = method.upper()
        # One key per logical call: the retries below send the same key, so the server performs
        # (and charges) the request once however many times it arrives.
        key = str(uuid.uuid4()) if method == "POST" else None
        retryable = method in ("GET", "HEAD") or key is not None
        rate_retries = network_retries = 0
        refreshed = False
        while True:
            try:
                response, used = self._send(
                    method, path, json=json, params=params, timeout=timeout, idempotency_key=key
                )
            except httpx.TransportError as exc:
                if retryable and network_retries < self.max_network_retries:
                    network_retries += 1
                    self._sleep(0.5 * 2**network_retries)
                    continue
                raise TransportError(
                    f"Cannot reach {self.base_url}: {exc}", code="CONNECTION_ERROR"
                ) from exc
            try:
                return self._unwrap(response)
            except AuthenticationError as exc:
                if exc.code == "INVALID_TOKEN" and not refreshed and self._refresh_after_401(used):
                    refreshed = True
                    continue
                if not self.signed_in:
                    raise NotSignedIn(
                        f"Not signed in: run `{self.login_command}` or set VIDFLOW_TOKEN.",
                        code=exc.code,
                        status=exc.status,
                    ) from exc
                raise
            except RateLimited as exc:
                if rate_retries >= self.max_rate_limit_retries:
                    raise
                rate_retries += 1
                self._sleep(min(exc.retry_after or 1.0, self.max_retry_wait))

    @staticmethod
    def _unwrap(response: httpx.Response) -> Any:
        try:
            envelope = response.json()
        except ValueError:
            envelope = None
        if isinstance(envelope, dict) and envelope.get("success") is True:
            return envelope.get("data")
        error = envelope.get("error") if isinstance(envelope, dict) else None
        if not isinstance(error, dict):
            error = {
                "code": "INTERNAL_ERROR" if response.status_code >= 500 else "ERROR",
                "message": f"HTTP {response.status_code} from {response.request.url.path}"
                " (not a VidFlow API answer)",
            }
        code = str(error.get("code") or "ERROR")
        kind = error_class(code, response.status_code)
        kwargs: dict[str, Any] = {
            "code": code,
            "status": response.status_code,
            "details": error.get("details") if isinstance(error.get("details"), dict) else None,
        }
        if kind is RateLimited:
            retry_after = response.headers.get("Retry-After", "")
            kwargs["retry_after"] = float(retry_after) if retry_after.isdigit() else None
        raise kind(str(error.get("message") or code), **kwargs)

    def _get(self, path: str, model: type[M], **params: Any) -> M:
        return model.from_api(self.request("GET", path, params=params))

    def _list(self, path: str, model: type[M], **params: Any) -> list[M]:
        """A whole list: every list answers ``{results, next, previous}``; ``next`` is
        followed until it is null."""
        items: list[M] = []
        page: Page[M] | None = self._page(path, model, None, **params)
        while page is not None:
            items.extend(page.results)
            page = (
                self._page(_on_this_server(page.next_url), model, None) if page.next_url else None
            )
        return items

    def _page(self, path: str, model: type[M], page_size: int | None, **params: Any) -> Page[M]:
        given = {"pageSize": page_size, **params}
        query = {name: value for name, value in given.items() if value is not None}
        data = self.request("GET", path, params=query)
        return Page(
            results=[model.from_api(item) for item in data["results"]],
            next_url=data.get("next"),
            previous_url=data.get("previous"),
        )

    def _iterate(self, first: Page[M], model: type[M]) -> Iterator[M]:
        page = first
        while True:
            yield from page.results
            if not page.next_url:
                return
            page = self._page(_on_this_server(page.next_url), model, None)

    def _post(self, path: str, model: type[M], body: dict[str, Any] | None = None) -> M:
        return model.from_api(self.request("POST", path, json=body or {}))

    def _patch(self, path: str, model: type[M], body: dict[str, Any]) -> M:
        return model.from_api(self.request("PATCH", path, json=body))

    def _delete(self, path: str) -> Deleted:
        return Deleted.from_api(self.request("DELETE", path))

    # --- projects ----------------------------------------------------------------------------

    def list_projects(self, *, page_size: int | None = None) -> Page[Project]:
        """Your projects, newest first (one page; see ``iter_projects``)."""
        return self._page("/api/projects", Project, page_size)

    def iter_projects(self) -> Iterator[Project]:
        return self._iterate(self.list_projects(page_size=100), Project)

    def create_project(
        self,
        title: str,
        *,
        idea: str | None = None,
        channel_id: str | None = None,
        video_style: str | None = None,
        voice_id: str | None = None,
        aspect_ratio: str | None = None,
        resolution: str | None = None,
        target_seconds: int | None = None,
    ) -> ProjectDetail:
        body = _body(
            title=title,
            idea=idea,
            channel_id=channel_id,
            video_style=video_style,
            voice_id=voice_id,
            aspect_ratio=aspect_ratio,
            resolution=resolution,
            target_seconds=target_seconds,
        )
        return self._post("/api/projects", ProjectDetail, body)

    def get_project(self, project_id: str) -> ProjectDetail:
        return self._get(f"/api/projects/{project_id}", ProjectDetail)

    def update_project(self, project_id: str, **changes: Any) -> ProjectDetail:
        """PATCH: ``title``, ``selected_title``, ``channel_id``, ``video_style``, ``voice_id``,
        ``aspect_ratio``, ``resolution``, ``target_seconds``."""
        return self._patch(f"/api/projects/{project_id}", ProjectDetail, _body(**changes))

    def delete_project(self, project_id: str) -> Deleted:
        """Cancels the project's runs in flight (refunding unused credit) and removes its files."""
        return self._delete(f"/api/projects/{project_id}")

    # --- channels ----------------------------------------------------------------------------

    def list_channels(self, *, page_size: int | None = None) -> Page[Channel]:
        return self._page("/api/channels", Channel, page_size)

    def create_channel(self, name: str, **fields: Any) -> Channel:
        """``niche``, ``audience``, ``tone``, ``language``, ``default_voice``, ``visual_style``."""
        return self._post("/api/channels", Channel, _body(name=name, **fields))

    def get_channel(self, channel_id: str) -> Channel:
        return self._get(f"/api/channels/{channel_id}", Channel)

    def update_channel(self, channel_id: str, **changes: Any) -> Channel:
        return self._patch(f"/api/channels/{channel_id}", Channel, _body(**changes))

    def delete_channel(self, channel_id: str) -> Deleted:
        return self._delete(f"/api/channels/{channel_id}")

    def connect_youtube(self, channel_id: str) -> str:
        """The Google consent URL to send the user to."""
        data = self.request("POST", f"/api/channels/{channel_id}/youtube", json={})
        return str(data["authorizationUrl"])

    def disconnect_youtube(self, channel_id: str) -> None:
        self.request("DELETE", f"/api/channels/{channel_id}/youtube")

    # --- runs ----------------------------------------------------------------------------------

    def list_runs(
        self,
        *,
        project_id: str | None = None,
        status: str | None = None,
        kind: str | None = None,
        page_size: int | None = None,
    ) -> Page[Run]:
        return self._page(
            "/api/runs", Run, page_size, projectId=project_id, status=status, kind=kind
        )

    def get_run(self, run_id: str, *, wait: int | None = None) -> Run:
        """A run; with ``wait`` (seconds, at most 30) the server answers as soon as the run
        finishes or its progress moves, or after ``wait`` seconds."""
        if not wait:
            return self._get(f"/api/runs/{run_id}", Run)
        wait = min(int(wait), 30)  # the server refuses more (400)
        timeout = httpx.Timeout(self._timeout, read=wait + 30.0)
        data = self.request("GET", f"/api/runs/{run_id}", params={"wait": wait}, timeout=timeout)
        return Run.from_api(data)

    def cancel_run(self, run_id: str) -> Run:
        """Stop a run; credit for what was not made is refunded."""
        return self._post(f"/api/runs/{run_id}/cancel", Run)

    def wait_for_run(
        self,
        run_id: str,
        timeout: float = 900.0,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> Run:
        """Long-poll a run until it ends. Returns it when it succeeded; raises ``RunFailed``
        (failed or cancelled; ``.run`` has the error) or ``RunTimeout``. ``on_progress`` is
        called with the run each time its status or progress changes."""
        deadline = time.monotonic() + timeout
        seen: tuple[Any, ...] | None = None
        run = self.get_run(run_id)
        while True:
            state = (run.status, run.progress.done, run.progress.total)
            if state != seen:
                seen = state
                if on_progress is not None:
                    on_progress(run)
            if not run.active:
                if run.succeeded:
                    return run
                raise RunFailed(run)
            left = deadline - time.monotonic()
            if left <= 0:
                raise RunTimeout(run, timeout)
            run = self.get_run(run_id, wait=max(1, min(LONG_POLL, int(left))))

    # --- billing and voices ------------------------------------------------------------------

    def balance(self) -> Balance:
        """Your credits and the price of each operation (scope ``billing:read``)."""
        return self._get("/api/billing/balance", Balance)

    def list_transactions(self, *, page_size: int | None = None) -> Page[LedgerEntry]:
        return self._page("/api/billing/transactions", LedgerEntry, page_size)

    def list_prices(self) -> list[Price]:
        """Every billable action with its credits and unit (the server's one price table)."""
        data = self.request("GET", "/api/prices")
        return [Price.from_api(p) for p in data["prices"]]

    def get_quote(self, project_id: str, *, music: bool = True, visual_bible: bool = True) -> Quote:
        """What the project costs from its current state to an up-to-date final.mp4: each
        step, the total, and whether the balance covers it."""
        return self._get(
            f"/api/projects/{project_id}/quote",
            Quote,
            music=str(music).lower(),
            visualBible=str(visual_bible).lower(),
        )

    def check_quote(
        self, project_id: str, *, music: bool = True, visual_bible: bool = True
    ) -> Quote:
        """The quote, or ``InsufficientCredits`` (nothing spent) when the balance does not
        cover it, with a message that says how much is needed and what the balance is."""
        quote = self.get_quote(project_id, music=music, visual_bible=visual_bible)
        if not quote.covered:
            raise not_enough_credits(quote)
        return quote

    def list_voices(self, language: str = "") -> list[Voice]:
        """The voices the server's speech provider has; with ``language`` (BCP 47) only those
        that speak it, the most natural first."""
        if language:
            return self._list("/api/voices", Voice, language=language)
        return self._list("/api/voices", Voice)

    def download_voice_sample(self, voice_id: str, dest: str | Path) -> Path:
        return self.download(f"/api/voices/{voice_id}/sample", dest)

    # --- ideation ------------------------------------------------------------------------------

    def list_titles(self, project_id: str) -> list[TitleIdea]:
        return self._list(f"/api/projects/{project_id}/titles", TitleIdea)

    def suggest_titles(self, project_id: str, *, count: int = 5) -> list[TitleIdea]:
        """New title ideas (free, synchronous; never repeats an idea)."""
        data = self.request("POST", f"/api/projects/{project_id}/titles", json={"count": count})
        return [TitleIdea.from_api(item) for item in data["results"]]

    def select_title(self, project_id: str, title_id: str) -> TitleIdea:
        return self._post(f"/api/projects/{project_id}/titles/{title_id}/select", TitleIdea)

    def delete_title(self, project_id: str, title_id: str) -> Deleted:
        return self._delete(f"/api/projects/{project_id}/titles/{title_id}")

    def list_outlier_videos(self, project_id: str) -> list[OutlierVideo]:
        return self._list(f"/api/projects/{project_id}/outlier-videos", OutlierVideo)

    def add_outlier_video(
        self,
        project_id: str,
        *,
        title: str,
        views: int,
        channel_median_views: int,
        url: str | None = None,
        video_id: str | None = None,
        channel_title: str | None = None,
        published_at: str | None = None,
    ) -> OutlierVideo:
        body = _body(
            title=title,
            views=views,
            channel_median_views=channel_median_views,
            url=url,
            video_id=video_id,
            channel_title=channel_title,
            published_at=published_at,
        )
        return self._post(f"/api/projects/{project_id}/outlier-videos", OutlierVideo, body)

    def search_outlier_videos(
        self, project_id: str, query: str, *, limit: int = 10
    ) -> OutlierSearch:
        path = f"/api/projects/{project_id}/outlier-videos/search"
        return self._post(path, OutlierSearch, {"query": query, "limit": limit})

    def delete_outlier_video(self, project_id: str, outlier_id: str) -> Deleted:
        return self._delete(f"/api/projects/{project_id}/outlier-videos/{outlier_id}")

    def get_channel_setup(self, project_id: str) -> ChannelSetup:
        return self._get(f"/api/projects/{project_id}/channel-setup", ChannelSetup)

    def update_channel_setup(self, project_id: str, **changes: Any) -> ChannelSetup:
        """``niche``, ``audience``, ``tone``, ``language``, ``default_voice``, ``visual_style``."""
        path = f"/api/projects/{project_id}/channel-setup"
        return self._patch(path, ChannelSetup, _body(**changes))

    # --- script --------------------------------------------------------------------------------

    def get_outline(self, project_id: str) -> Outline:
        return self._get(f"/api/projects/{project_id}/script/outline", Outline)

    def generate_outline(
        self, project_id: str, *, chapters: int | None = None, replace: bool = False
    ) -> Accepted:
        """(billable) Chapters with their beats → run. Needs a selected title."""
        body = _body(chapters=chapters, replace=replace)
        return self._post(f"/api/projects/{project_id}/script/outline", Accepted, body)

    def get_hook(self, project_id: str) -> Hook:
        return self._get(f"/api/projects/{project_id}/script/hook", Hook)

    def generate_hook(self, project_id: str) -> Accepted:
        """(billable) The opening lines → run."""
        return self._post(f"/api/projects/{project_id}/script/hook", Accepted)

    def edit_hook(self, project_id: str, hook: str) -> Hook:
        return self._patch(f"/api/projects/{project_id}/script/hook", Hook, {"hook": hook})

    def list_chapters(self, project_id: str) -> list[Chapter]:
        return self._list(f"/api/projects/{project_id}/script/chapters", Chapter)

    def generate_chapters(self, project_id: str, *, chapter_id: str | None = None) -> Accepted:
        """(billable) Narration for every chapter, or only ``chapter_id`` → run."""
        body = _body(chapter_id=chapter_id)
        return self._post(f"/api/projects/{project_id}/script/chapters", Accepted, body)

    def edit_chapter(
        self,
        project_id: str,
        chapter_id: str,
        *,
        title: str | None = None,
        beats: list[str] | None = None,
        narration: str | None = None,
    ) -> Chapter:
        """What was made from the chapter (voiceover, shots, render) goes stale."""
        path = f"/api/projects/{project_id}/script/chapters/{chapter_id}"
        return self._patch(path, Chapter, _body(title=title, beats=beats, narration=narration))

    def get_analysis(self, project_id: str) -> Analysis:
        return self._get(f"/api/projects/{project_id}/script/analyze", Analysis)

    def generate_analysis(self, project_id: str) -> Accepted:
        """(billable) Word count, duration, pacing, hook strength, risks → run."""
        return self._post(f"/api/projects/{project_id}/script/analyze", Accepted)

    # --- visual bible --------------------------------------------------------------------------

    def generate_visual_bible(
        self,
        project_id: str,
        *,
        max_characters: int | None = None,
        max_locations: int | None = None,
    ) -> Accepted:
        """(billable, charged up front for the most it may draw; the rest refunded) Extract
        characters and locations from the narration and draw each → run."""
        body = _body(max_characters=max_characters, max_locations=max_locations)
        return self._post(f"/api/projects/{project_id}/visual-bible/generate", Accepted, body)

    def _entries(self, project_id: str, kind: str) -> str:
        return f"/api/projects/{project_id}/visual-bible/{kind}"

    def list_characters(self, project_id: str) -> list[BibleEntry]:
        return self._list(self._entries(project_id, "characters"), BibleEntry)

    def create_character(
        self,
        project_id: str,
        name: str,
        *,
        description: str | None = None,
        traits: dict[str, str] | None = None,
    ) -> BibleEntry:
        body = _body(name=name, description=description, traits=traits)
        return self._post(self._entries(project_id, "characters"), BibleEntry, body)

    def get_character(self, project_id: str, entry_id: str) -> BibleEntry:
        return self._get(f"{self._entries(project_id, 'characters')}/{entry_id}", BibleEntry)

    def update_character(self, project_id: str, entry_id: str, **changes: Any) -> BibleEntry:
        path = f"{self._entries(project_id, 'characters')}/{entry_id}"
        return self._patch(path, BibleEntry, _body(**changes))

    def delete_character(self, project_id: str, entry_id: str) -> Deleted:
        return self._delete(f"{self._entries(project_id, 'characters')}/{entry_id}")

    def generate_character_variation(self, project_id: str, entry_id: str) -> Accepted:
        """(billable, one drawing) Another variation → run."""
        path = f"{self._entries(project_id, 'characters')}/{entry_id}/variations/generate"
        return self._post(path, Accepted)

    def select_character_variation(
        self, project_id: str, entry_id: str, variation_id: str
    ) -> BibleEntry:
        path = f"{self._entries(project_id, 'characters')}/{entry_id}/variations/{variation_id}"
        return self._post(f"{path}/select", BibleEntry)

    def list_locations(self, project_id: str) -> list[BibleEntry]:
        return self._list(self._entries(project_id, "locations"), BibleEntry)

    def create_location(
        self,
        project_id: str,
        name: str,
        *,
        description: str | None = None,
        traits: dict[str, str] | None = None,
    ) -> BibleEntry:
        body = _body(name=name, description=description, traits=traits)
        return self._post(self._entries(project_id, "locations"), BibleEntry, body)

    def get_location(self, project_id: str, entry_id: str) -> BibleEntry:
        return self._get(f"{self._entries(project_id, 'locations')}/{entry_id}", BibleEntry)

    def update_location(self, project_id: str, entry_id: str, **changes: Any) -> BibleEntry:
        path = f"{self._entries(project_id, 'locations')}/{entry_id}"
        return self._patch(path, BibleEntry, _body(**changes))

    def delete_location(self, project_id: str, entry_id: str) -> Deleted:
        return self._delete(f"{self._entries(project_id, 'locations')}/{entry_id}")

    def generate_location_variation(self, project_id: str, entry_id: str) -> Accepted:
        path = f"{self._entries(project_id, 'locations')}/{entry_id}/variations/generate"
        return self._post(path, Accepted)

    def select_location_variation(
        self, project_id: str, entry_id: str, variation_id: str
    ) -> BibleEntry:
        path = f"{self._entries(project_id, 'locations')}/{entry_id}/variations/{variation_id}"
        return self._post(f"{path}/select", BibleEntry)

    # --- voiceover -----------------------------------------------------------------------------

    def get_voiceover(self, project_id: str) -> Voiceover | None:
        data = self.request("GET", f"/api/projects/{project_id}/voiceover")
        return Voiceover.from_api(data) if data else None

    def generate_voiceover(self, project_id: str, *, voice_id: str | None = None) -> Accepted:
        """(billable, per started minute) Speak the hook and the chapters with word timings →
        run. ``voice_id`` from ``list_voices`` (default: the project's, the channel's, or the
        engine's)."""
        body = _body(voice_id=voice_id)
        return self._post(f"/api/projects/{project_id}/voiceover/generate", Accepted, body)

    def pick_voice(self, project_id: str, voice_id: str) -> ProjectDetail:
        """Make ``voice_id`` the project's voice (used by the next voiceover)."""
        return self.update_project(project_id, voice_id=voice_id)

    def get_music(self, project_id: str) -> Music | None:
        data = self.request("GET", f"/api/projects/{project_id}/music")
        return Music.from_api(data) if data else None

    def generate_music(self, project_id: str, *, mood: str = "calm", tempo: int = 90) -> Accepted:
        """(billable) A music bed as long as the narration → run. ``mood``: calm, upbeat,
        tense, inspiring, dark, playful; ``tempo`` 50..200."""
        body = {"mood": mood, "tempo": tempo}
        return self._post(f"/api/projects/{project_id}/music/generate", Accepted, body)

    # --- production ----------------------------------------------------------------------------

    def plan_shots(self, project_id: str, *, replace: bool = False) -> Accepted:
        """(free) Shots aligned to the voiceover's word timings → run."""
        body = {"replace": replace}
        return self._post(f"/api/projects/{project_id}/timeline/shots/plan", Accepted, body)

    def list_shots(self, project_id: str) -> list[Shot]:
        return self._list(f"/api/projects/{project_id}/timeline/shots", Shot)

    def get_shot(self, project_id: str, shot_id: str) -> Shot:
        return self._get(f"/api/projects/{project_id}/timeline/shots/{shot_id}", Shot)

    def update_shot(
        self,
        project_id: str,
        shot_id: str,
        *,
        kind: str | None = None,
        prompt: str | None = None,
        transition_in: str | None = None,
        character_ids: list[str] | None = None,
        location_id: str | None = None,
    ) -> Shot:
        """``kind``: image, video or talking_head. A generated shot whose look changes goes
        stale."""
        body = _body(
            kind=kind,
            prompt=prompt,
            transition_in=transition_in,
            character_ids=character_ids,
            location_id=location_id,
        )
        return self._patch(f"/api/projects/{project_id}/timeline/shots/{shot_id}", Shot, body)

    def generate_shot(self, project_id: str, shot_id: str, *, async_video: bool = True) -> ShotRun:
        """(billable: image step + video step) Generate (or regenerate) one shot → run.
        ``async_video=False`` holds the request until the shot is done (bounded)."""
        path = f"/api/projects/{project_id}/timeline/shots/{shot_id}/generate"
        timeout = None if async_video else httpx.Timeout(self._timeout, read=330.0)
        data = self.request("POST", path, json={"asyncVideo": async_video}, timeout=timeout)
        return ShotRun.from_api(data)

    regenerate_shot = generate_shot

    def generate_all_shots(self, project_id: str) -> Accepted:
        """(billable) Every shot that is planned, failed or stale → run."""
        return self._post(f"/api/projects/{project_id}/timeline/shots/generate-all", Accepted)

    # --- render, thumbnail, publish ------------------------------------------------------------

    def get_render(self, project_id: str) -> RenderStatus:
        return self._get(f"/api/projects/{project_id}/timeline/render", RenderStatus)

    def render(
        self, project_id: str, *, captions: bool = True, resolution: str | None = None
    ) -> Accepted:
        """(billable) Render final.mp4 (and .srt/.vtt) from the shot plan → run."""
        body = _body(captions=captions, resolution=resolution)
        return self._post(f"/api/projects/{project_id}/timeline/render", Accepted, body)

    # --- quick mode ---------------------------------------------------------------------------

    def start_make(
        self,
        idea: str,
        *,
        title: str | None = None,
        target_seconds: int = 60,
        aspect_ratio: str = "16:9",
        voice_id: str | None = None,
        music: bool = True,
        captions: bool = True,
    ) -> MakeStarted:
        """(billable) One call: a new project from ``idea`` and a run on the server that takes it
        to final.mp4 and a thumbnail (``run.progress.stage`` says where it is). Nothing is spent
        when the balance does not cover the quote (``InsufficientCredits``). A client that
        disconnects loses nothing: the make goes on."""
        body = _body(
            idea=idea,
            title=title,
            target_seconds=target_seconds,
            aspect_ratio=aspect_ratio,
            voice_id=voice_id,
            music=music,
            captions=captions,
        )
        return self._post("/api/make", MakeStarted, body)

    def make_project(
        self,
        project_id: str,
        *,
        voice_id: str | None = None,
        music: bool = True,
        captions: bool = True,
    ) -> MakeStarted:
        """(billable) Make an existing project from where it stands to final.mp4 on the server."""
        body = _body(voice_id=voice_id, music=music, captions=captions)
        return self._post(f"/api/projects/{project_id}/make", MakeStarted, body)

    def get_thumbnail(self, project_id: str) -> ThumbnailStatus:
        return self._get(f"/api/projects/{project_id}/thumbnail", ThumbnailStatus)

    def generate_thumbnail(
        self, project_id: str, *, shot_id: str | None = None, title: str | None = None
    ) -> Accepted:
        """(billable) A 1280x720 JPEG from a shot's image with the title in large type → run."""
        body = _body(shot_id=shot_id, title=title)
        return self._post(f"/api/projects/{project_id}/thumbnail/generate", Accepted, body)

    def get_publish_context(self, project_id: str) -> PublishContext:
        return self._get(f"/api/projects/{project_id}/publish-context", PublishContext)

    def suggest_publish_copy(self, project_id: str) -> PublishSuggestion:
        """(free) A description and tags from the text provider."""
        return self._post(f"/api/projects/{project_id}/publish-suggest", PublishSuggestion)

    def publish_youtube(
        self,
        project_id: str,
        *,
        privacy: str = "private",
        publish_at: str | None = None,
        title: str | None = None,
        description: str | None = None,
        tags: list[str] | None = None,
    ) -> Accepted:
        """(scope ``publish``) Upload final.mp4 and the thumbnail to the channel's YouTube
        account → run. ``YouTubeNotConnected`` until the channel is connected."""
        body = _body(
            privacy=privacy, publish_at=publish_at, title=title, description=description, tags=tags
        )
        return self._post(f"/api/projects/{project_id}/publish-youtube", Accepted, body)

    # --- files ---------------------------------------------------------------------------------

    def download(
        self,
        url: str,
        dest: str | Path,
        *,
        on_chunk: Callable[[int], None] | None = None,
    ) -> Path:
        """Stream an artifact (a signed link from a payload, e.g. ``project.video_url``) to
        ``dest``; written beside it and renamed, so ``dest`` is never half a file. The bearer
        token is sent only to the API's own origin."""
        dest = Path(dest)
        absolute = urljoin(self.base_url + "/", url)
        headers = {"Accept": "*/*"}
        if _origin(absolute) == _origin(self.base_url):
            token = self._access_token()
            if token:
                headers["Authorization"] = f"Bearer {token}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(f".{dest.name}.part")
        try:
            with self._http.stream("GET", absolute, headers=headers) as response:
                if response.status_code != 200:
                    response.read()
                    self._unwrap(response)
                with partial.open("wb") as out:
                    for chunk in response.iter_bytes(chunk_size=1 << 16):
                        out.write(chunk)
                        if on_chunk is not None:
                            on_chunk(len(chunk))
            partial.replace(dest)
        except httpx.TransportError as exc:
            raise TransportError(f"Download failed: {exc}", code="CONNECTION_ERROR") from exc
        finally:
            partial.unlink(missing_ok=True)
        return dest


__all__ = ["DEFAULT_URL", "VidflowClient", "VidflowError"]
