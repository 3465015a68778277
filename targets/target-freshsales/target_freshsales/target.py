"""target-freshsales: the Singer target, objects and client handed to the crmsync engine."""

from __future__ import annotations

from crmsync.target import CrmTarget

from target_freshsales.client import FreshsalesClient
from target_freshsales.not_migrated import NOT_MIGRATED
from target_freshsales.objects import OBJECTS
from target_freshsales.settings import PROPERTIES


class TargetFreshsales(CrmTarget):
    """Writes publish_freshsales streams (or any tap following the contract) to Freshsales."""

    name = "target-freshsales"
    crm = "freshsales"
    objects = OBJECTS
    client_class = FreshsalesClient
    crm_properties = PROPERTIES
    not_migrated = NOT_MIGRATED  # `crmsync report`: Cliniko features to rebuild by hand


if __name__ == "__main__":
    TargetFreshsales.cli()
