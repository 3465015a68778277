"""target-freshsales: the Singer target, objects and client handed to the crmsync engine."""

from __future__ import annotations

from crmsync.plan_gate import check_plan
from crmsync.plan_model import field_admin
from crmsync.session import SyncSession
from crmsync.target import CrmTarget

from target_freshsales.client import FreshsalesClient
from target_freshsales.not_migrated import NOT_MIGRATED
from target_freshsales.objects import OBJECTS
from target_freshsales.settings import PROPERTIES, plan_required


class TargetFreshsales(CrmTarget):
    """Writes publish_freshsales streams (or any tap following the contract) to Freshsales."""

    name = "target-freshsales"
    crm = "freshsales"
    objects = OBJECTS
    client_class = FreshsalesClient
    crm_properties = PROPERTIES
    not_migrated = NOT_MIGRATED  # `crmsync report`: Cliniko features to rebuild by hand

    def session(self) -> SyncSession:
        """Before the run's first write, refuse while the setup plan has blocking gaps."""
        if self._session is None and plan_required(self.config):
            client = self.connect(self.config)
            try:
                check_plan(self.config, self.crm, self._specs, field_admin(client))
            finally:
                client.close()
        return super().session()


if __name__ == "__main__":
    TargetFreshsales.cli()
