"""target-salesforce: the Singer target, objects and client handed to the crmsync engine."""

from __future__ import annotations

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


if __name__ == "__main__":
    TargetSalesforce.cli()
