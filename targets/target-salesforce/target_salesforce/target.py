"""target-salesforce: the Singer target, objects and client handed to the crmsync engine."""

from __future__ import annotations

from crmsync.plan_gate import check_plan
from crmsync.plan_model import field_admin
from crmsync.session import SyncSession
from crmsync.target import CrmTarget

from target_salesforce.client import SalesforceClient
from target_salesforce.not_migrated import NOT_MIGRATED
from target_salesforce.objects import OBJECTS
from target_salesforce.settings import PROPERTIES


class TargetSalesforce(CrmTarget):
    """Writes publish_salesforce streams (or any tap following the contract) to Salesforce."""

    name = "target-salesforce"
    crm = "salesforce"
    objects = OBJECTS
    client_class = SalesforceClient
    crm_properties = PROPERTIES
    not_migrated = NOT_MIGRATED  # `crmsync report`: Cliniko features to rebuild by hand

    def session(self) -> SyncSession:
        """Before the run's first write, refuse while the setup plan has blocking gaps."""
        if self._session is None and self.config.get("require_plan") is True:
            client = self.connect(self.config)
            try:
                check_plan(self.config, self.crm, self._specs, field_admin(client))
            finally:
                client.close()
        return super().session()


if __name__ == "__main__":
    TargetSalesforce.cli()
