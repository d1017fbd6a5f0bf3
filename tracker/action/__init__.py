"""What the scheduled GitHub Action needs beyond the pipeline: the tracking issue, the job's
summary and outputs, and a rate-limit budget for the check.

The workflow's steps are thin `tracker ...` calls (`tracker action issue`, `tracker action
summary`, `tracker action budget`), so a test can run the same steps outside GitHub.
"""
