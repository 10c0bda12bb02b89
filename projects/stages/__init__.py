"""The stages of a video, one package each, all of the same parts:

- ``services.py``: what a stage route does on the request side (lock the project, check the
  machine, charge, record a run, enqueue);
- ``runs.py``: the run kinds and vendor-job handlers that do the work on a worker, registered with
  ``projects.pipeline.run_kind`` / ``projects.pipeline.job_handler``;
- ``api.py``: the thin viewsets that validate a request, call one service and answer;
- ``serializers.py``: the request and response shapes.

``base.py`` holds what every stage's services share.
"""
