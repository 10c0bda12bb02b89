"""The queues work is split into, so a deployment sizes each kind of worker on its own.

Free of Django imports: settings and ``python -m vidflow.devrun`` read it before Django starts.

One queue per workload, each named after the deployment's default queue (``CELERY_QUEUE``,
``celery`` unless set): with the default, ``celery.text``, ``celery.media``, ``celery.render`` and
``celery.webhooks``; periodic work (the reaper, the vendor poller, purges) stays on ``celery``
itself. Deployments (or test sessions) sharing one broker keep apart by their ``CELERY_QUEUE``.

- ``text``: language-model calls and orchestration (outline, hook, narration, analysis, the shot
  plan, the steps of a quick make, publishing): small, network-bound, many at once.
- ``media``: pictures, voices, music, each shot's image and video step: CPU-heavy minutes.
- ``render``: the final render and the thumbnail: the biggest machines, one at a time.
- ``webhooks``: continuing the pipeline when a vendor reports back (a callback or a poll), and
  delivering our own outbound webhooks: short, network-bound.

Which task goes where is in settings (``VIDFLOW_TASK_WORKLOADS``, ``VIDFLOW_RUN_WORKLOADS``);
the router is ``projects.queues.route_task``.
"""

from __future__ import annotations

WORKLOADS: tuple[str, ...] = ("text", "media", "render", "webhooks")
DEFAULT_QUEUE = "celery"


def queue_for(workload: str, default_queue: str) -> str:
    """The queue of ``workload`` in the deployment whose default queue is ``default_queue``."""
    if workload not in WORKLOADS:
        raise ValueError(f"unknown workload {workload!r}; choose from {', '.join(WORKLOADS)}")
    return f"{default_queue}.{workload}"


def all_queues(default_queue: str) -> list[str]:
    """Every queue of a deployment: the default one (periodic work) and one per workload, in the
    form ``celery worker -Q`` takes (joined with commas)."""
    return [default_queue, *(queue_for(w, default_queue) for w in WORKLOADS)]
