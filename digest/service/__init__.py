"""The service layer: one Runtime and the actions on it, for the CLI, the scheduler and the web app.

    Runtime.open(config)          config, store and clock; fetchers, provider clients, links on demand
    issues.collect / preview / draft / write_preview      what editors look at before a send
    sending.run / resume / send_test / dry_run            what goes out, and one report shape
    scheduling.actions                                    the scheduler's slot actions

It may import every stage, the store and the providers; it never imports cli/ or web/.
"""

from digest.service.runtime import Runtime, now_utc

__all__ = ["Runtime", "now_utc"]
