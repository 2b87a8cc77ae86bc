"""Background tasks (django-tasks). Each is a thin wrapper over a service."""

from django_tasks import task

from .services.import_jobs import import_job_execute


@task()
def import_job_run(job_id: int, apply: bool) -> None:
    import_job_execute(job_id=job_id, apply=apply)
