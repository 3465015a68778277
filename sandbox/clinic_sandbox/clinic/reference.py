"""The clinic's reference data: locations, staff, services, prices, templates, contacts."""

from __future__ import annotations

from typing import Any

from clinic_sandbox.clinic import rates
from clinic_sandbox.clinic.content import form_content, template_content
from clinic_sandbox.clinic.context import DAY, Context, ts

SERVICES = [
    ("Initial consultation", 60, "120.00"),
    ("Standard consultation", 30, "85.00"),
    ("Long consultation", 45, "105.00"),
    ("Telehealth review", 20, "60.00"),
    ("Remedial massage", 60, "110.00"),
    ("Dry needling", 30, "80.00"),
    ("Hydrotherapy", 45, "70.00"),
    ("Return to work assessment", 90, "250.00"),
]
GROUP_SERVICES = [("Pilates class", 60, "35.00", 8), ("Falls prevention group", 90, "25.00", 10)]
PRODUCTS = [
    "Heat pack",
    "Foam roller",
    "Resistance band",
    "Knee brace",
    "Lumbar roll",
    "Massage oil",
    "Ice pack",
    "Theraband",
    "Posture corrector",
    "Wrist splint",
    "Ankle support",
    "Sports tape",
]
DESIGNATIONS = ["Physiotherapist", "Osteopath", "Chiropractor", "Myotherapist", "Podiatrist"]
SUBURBS = ["Richmond", "Fitzroy", "Carlton", "Brunswick", "Hawthorn", "Kew", "Footscray", "Coburg"]
COLORS = ["#4a90e2", "#7ed321", "#f5a623", "#d0021b", "#9013fe", "#50e3c2", "#b8e986"]
WEEKDAYS = range(1, 6)


def build_reference(ctx: Context) -> None:
    """Write every reference stream; fill ctx.refs with the ids patient records use."""
    start = ctx.opened
    _taxes(ctx, start)
    _businesses(ctx, start)
    _staff(ctx, start)
    _catalogue(ctx, start)
    _templates(ctx, start)
    _appointment_types(ctx, start)
    _schedules(ctx, start)
    _contacts(ctx, start)
    _referral_types(ctx, start)


def _taxes(ctx: Context, start: int) -> None:
    for name, rate in (("GST", "10.0"), ("GST free", "0.0")):
        r = ctx.rec("taxes", start, name=name, rate=rate, amount=rate)
        ctx.refs.taxes.append(int(r["id"]))
        ctx.add("taxes", r)


def _businesses(ctx: Context, start: int) -> None:
    count = min(8, 3 + ctx.patients // 5000)
    for i in range(count + 1):
        suburb = SUBURBS[i % len(SUBURBS)]
        closed = i == count  # one location closed years ago: archived
        created = start + i * 30 * DAY
        r = ctx.rec(
            "businesses",
            created,
            archived_at=ts(created + 400 * DAY) if closed else None,
            deleted_at=None,
            business_name=f"Northside Physio {suburb}",
            display_name=f"Northside {suburb}",
            label=f"Northside Physio {suburb}",
            address_1=ctx.pick(ctx.pools.streets),
            address_2=None,
            city=suburb,
            state="Victoria",
            post_code=f"30{i + 10}",
            country="Australia",
            country_code="AU",
            contact_information="Phone 03 9000 0000",
            email_reply_to=f"{suburb.lower()}@northside-physio.example",
            website_address="https://northside-physio.example",
            business_registration_name="ABN",
            business_registration_value=f"12 345 678 9{i:02d}",
            additional_information=None,
            additional_invoice_information="Payment due within 14 days",
            appointment_reminders_enabled=True,
            show_in_online_bookings=not closed,
            appointment_type_ids=[],
            time_zone="Melbourne",
            time_zone_identifier="Australia/Melbourne",
        )
        r["practitioners"] = ctx.collection(f"businesses/{r['id']}/practitioners")
        r["appointments"] = ctx.collection(f"businesses/{r['id']}/appointments")
        if closed:
            ctx.add("businesses", r)
        else:
            ctx.refs.businesses.append(int(r["id"]))
            ctx.buffers.setdefault("_pending_businesses", []).append(r)


def _user(ctx: Context, created: int, first: str, last: str, email: str, role: str) -> int:
    r = ctx.rec(
        "users",
        created,
        title=None,
        first_name=first,
        last_name=last,
        email=email,
        role=role,
        active=True,
        user_active=True,
        time_zone="Melbourne",
        time_zone_identifier="Australia/Melbourne",
        phone_numbers=[ctx.phone()],
    )
    ctx.add("users", r)
    return int(r["id"])


def _staff(ctx: Context, start: int) -> None:
    ctx.refs.admin_user = _user(
        ctx, start, "Alex", "Admin", "admin@northside-physio.example", "administrator"
    )
    _user(ctx, start + DAY, "Robin", "Front", "reception@northside-physio.example", "receptionist")
    _user(ctx, start + DAY, "Sam", "Books", "accounts@northside-physio.example", "bookkeeper")
    count = max(6, min(60, ctx.patients // 150))
    for i in range(count):
        first, last = ctx.pools.first_names[i * 7 % 300], ctx.pools.last_names[i * 11 % 300]
        created = start + (i + 2) * 20 * DAY
        email = f"{first}.{last}.{i}@northside-physio.example".lower().replace(" ", "")
        user_id = _user(ctx, created, first, last, email, "practitioner")
        inactive = i % 6 == 5  # left the clinic
        designation = DESIGNATIONS[i % len(DESIGNATIONS)]
        r = ctx.rec(
            "practitioners",
            created,
            active=not inactive,
            title="Dr" if designation in ("Chiropractor", "Osteopath") else None,
            first_name=first,
            last_name=last,
            display_name=f"{first} {last}",
            label=f"{first} {last}",
            designation=designation,
            description=ctx.pick(ctx.pools.sentences),
            show_in_online_bookings=not inactive,
            user=ctx.link("users", user_id),
            default_appointment_type=None,
        )
        for coll in ("appointment_types", "appointments", "invoices"):
            r[coll] = ctx.collection(f"practitioners/{r['id']}/{coll}")
        r["practitioner_reference_numbers"] = ctx.collection(
            f"practitioners/{r['id']}/practitioner_reference_numbers"
        )
        ctx.add("practitioners", r)
        pid = int(r["id"])
        ctx.refs.practitioner_user[pid] = user_id
        ctx.refs.practitioner_name[pid] = f"{first} {last}"
        if not inactive:
            ctx.refs.practitioners.append(pid)
        business = ctx.refs.businesses[i % len(ctx.refs.businesses)]
        ctx.add(
            "practitioner_reference_numbers",
            ctx.rec(
                "practitioner_reference_numbers",
                created,
                name="Provider #",
                reference_number=f"{ctx.rng.randrange(10**6):06d}{'ABCDEFGH'[i % 8]}",
                practitioner=ctx.link("practitioners", pid),
                business=ctx.link("businesses", business),
            ),
        )


def _catalogue(ctx: Context, start: int) -> None:
    gst, free = ctx.refs.taxes
    for name, _, price in SERVICES + [(g[0], g[1], g[2]) for g in GROUP_SERVICES]:
        r = ctx.rec(
            "billable_items",
            start,
            archived_at=None,
            name=name,
            item_code=f"S{len(ctx.refs.billable_items) + 100}",
            item_type="Service",
            price=price,
            tax=ctx.link("taxes", free),
        )
        ctx.add("billable_items", r)
        ctx.refs.billable_items.append((int(r["id"]), name, price, "GST free"))
    ctx.add(
        "billable_items",
        ctx.rec(
            "billable_items",
            start,
            archived_at=ts(start + 200 * DAY),
            name="Old package (discontinued)",
            item_code="OLD1",
            item_type="Other",
            price="300.00",
            tax=ctx.link("taxes", gst),
        ),
    )
    suppliers = []
    for name in ("PhysioSupplies Pty Ltd", "Allied Health Wholesale", "Rehab Direct"):
        r = ctx.rec("product_suppliers", start, name=name)
        ctx.add("product_suppliers", r)
        suppliers.append((int(r["id"]), name))
    for i, name in enumerate([*PRODUCTS, "Discontinued gel"]):
        supplier_id, supplier = suppliers[i % len(suppliers)]
        ex = 10 + i * 3
        r = ctx.rec(
            "products",
            start + i * DAY,
            archived_at=ts(start + 300 * DAY) if i == len(PRODUCTS) else None,
            name=name,
            item_code=f"P{200 + i}",
            serial_number=None,
            notes=None,
            cost_price=f"{ex * 0.5:.2f}",
            price_ex_tax=f"{ex:.2f}",
            price_including_tax=f"{ex * 1.1:.2f}",
            stock_level=str(20 + i),
            product_supplier_name=supplier,
            product_supplier_id=str(supplier_id),
            product_supplier=ctx.link("product_suppliers", supplier_id),
            tax=ctx.link("taxes", gst),
        )
        r["stock_adjustments"] = ctx.collection(
            f"stock_adjustments?q%5B%5D=product_id%3A%3D{r['id']}"
        )
        ctx.add("products", r)
        if i < len(PRODUCTS):
            ctx.refs.products.append((int(r["id"]), name, f"{ex:.2f}"))
        for kind, qty in (("Stock Purchase", "24"), ("Item Sold", "-3"), ("Damaged", "-1")):
            ctx.add(
                "stock_adjustments",
                ctx.rec(
                    "stock_adjustments",
                    start + (i + 5) * DAY,
                    archived_at=ts(start + 40 * DAY) if (i, kind) == (0, "Damaged") else None,
                    adjustment_type=kind,
                    quantity=qty,
                    comment=None,
                    notes=None,
                    product=ctx.link("products", int(r["id"])),
                    user=ctx.link("users", ctx.refs.admin_user),
                ),
            )
    for i, name in enumerate(("Pensioner", "Student", "Health care card", "Staff (retired)")):
        r = ctx.rec(
            "concession_types",
            start,
            archived_at=ts(start + 100 * DAY) if i == 3 else None,
            name=name,
        )
        ctx.add("concession_types", r)
        if i < 3:
            ctx.refs.concession_types.append(int(r["id"]))
        for item_id, _, price, _ in ctx.refs.billable_items[:4]:
            ctx.add(
                "concession_prices",
                ctx.rec(
                    "concession_prices",
                    start,
                    price=f"{float(price) * 0.8:.2f}",
                    billable_item=ctx.link("billable_items", item_id),
                    concession_type=ctx.link("concession_types", int(r["id"])),
                ),
            )


def _templates(ctx: Context, start: int) -> None:
    names = ["Initial assessment", "Follow-up (SOAP)", "Massage record", "Legacy note", "Old"]
    for i, name in enumerate(names):
        r = ctx.rec(
            "treatment_note_templates",
            start,
            archived_at=ts(start + 90 * DAY) if i == 3 else None,
            deleted_at=ts(start + 95 * DAY) if i == 4 else None,
            name=name,
            content=template_content(),
            print_settings={
                "include_patient_address": True,
                "include_patient_dob": True,
                "include_patient_medicare": i == 0,
                "include_patient_occupation": False,
                "include_patient_reference_number": False,
                "title": name,
            },
        )
        ctx.add("treatment_note_templates", r)
        if i < 3:
            ctx.refs.note_templates.append(int(r["id"]))
    for i, name in enumerate(("New patient intake", "COVID screening", "Old intake")):
        r = ctx.rec(
            "patient_form_templates",
            start,
            archived_at=ts(start + 60 * DAY) if i == 2 else None,
            name=name,
            restricted_to_practitioner=False,
            email_to_patient_on_completion=i == 0,
            content=form_content(ctx, answered=False),
        )
        ctx.add("patient_form_templates", r)
        if i < 2:
            ctx.refs.form_templates.append(int(r["id"]))


def _appointment_types(ctx: Context, start: int) -> None:
    items = {name: (item_id, price) for item_id, name, price, _ in ctx.refs.billable_items}
    kinds = [(n, d, p, 1) for n, d, p in SERVICES] + GROUP_SERVICES + [("Retired type", 30, "", 1)]
    for i, (name, duration, _, max_attendees) in enumerate(kinds):
        archived = name == "Retired type"
        item = items.get(name)
        r = ctx.rec(
            "appointment_types",
            start,
            archived_at=ts(start + 150 * DAY) if archived else None,
            name=name,
            category="Group" if max_attendees > 1 else "Individual",
            description=None,
            color=COLORS[i % len(COLORS)],
            duration_in_minutes=duration,
            max_attendees=max_attendees,
            show_in_online_bookings=not archived,
            telehealth_enabled=name.startswith("Telehealth"),
            online_payments_enabled=False,
            online_payments_mode="optional",
            add_deposit_to_account_credit=False,
            deposit_price=None,
            online_bookings_lead_time_hours=2,
            appointment_confirmation_template_ids=[],
            appointment_follow_up_template_ids=[],
            appointment_reminder_template_ids=[],
            treatment_note_template=ctx.link(
                "treatment_note_templates", ctx.refs.note_templates[0]
            ),
            billable_item=ctx.link("billable_items", item[0] if item else None),
            product=None,
        )
        type_id = int(r["id"])
        for coll in ("appointment_type_billable_items", "appointment_type_products"):
            r[coll] = ctx.collection(f"{coll}?q%5B%5D=appointment_type_id%3A%3D{type_id}")
        r["practitioners"] = ctx.collection(f"appointment_types/{type_id}/practitioners")
        ctx.add("appointment_types", r)
        if archived or item is None:
            continue
        item_id, price = item
        entry = (type_id, name, duration, item_id, price)
        (ctx.refs.group_types if max_attendees > 1 else ctx.refs.individual_types).append(entry)
        ctx.add(
            "appointment_type_billable_items",
            ctx.rec(
                "appointment_type_billable_items",
                start,
                quantity="1.0",
                discount_percentage=None,
                discounted_amount=None,
                is_monetary_discount=False,
                appointment_type=ctx.link("appointment_types", type_id),
                billable_item=ctx.link("billable_items", item_id),
            ),
        )
        if i % 3 == 0:
            product_id = ctx.refs.products[i % len(ctx.refs.products)][0]
            ctx.add(
                "appointment_type_products",
                ctx.rec(
                    "appointment_type_products",
                    start,
                    quantity="1.0",
                    discount_percentage="10.0",
                    discounted_amount=None,
                    is_monetary_discount=False,
                    appointment_type=ctx.link("appointment_types", type_id),
                    product=ctx.link("products", product_id),
                ),
            )
    type_ids = [str(t[0]) for t in ctx.refs.individual_types + ctx.refs.group_types]
    for r in ctx.buffers.pop("_pending_businesses"):
        r["appointment_type_ids"] = type_ids
        ctx.add("businesses", r)


def _schedules(ctx: Context, start: int) -> None:
    block_types = []
    for i, (name, minutes) in enumerate(
        (("Lunch", 60), ("Admin time", 30), ("Leave", 480), ("Old meeting", 60))
    ):
        r = ctx.rec(
            "unavailable_block_types",
            start,
            archived_at=ts(start + 50 * DAY) if i == 3 else None,
            name=name,
            color=COLORS[i],
            duration_in_minutes=minutes,
            system_controlled=False,
        )
        ctx.add("unavailable_block_types", r)
        block_types.append(int(r["id"]))
    all_types = ctx.refs.individual_types + ctx.refs.group_types
    for business in ctx.refs.businesses:
        for type_id, *_ in all_types:
            ctx.add(
                "services",
                {
                    "business": ctx.link("businesses", business),
                    "appointment_type": ctx.link("appointment_types", type_id),
                    "practitioners": [
                        ctx.link("practitioners", p)
                        for i, p in enumerate(ctx.refs.practitioners)
                        if i % len(ctx.refs.businesses) == ctx.refs.businesses.index(business)
                    ],
                },
            )
    for n, pid in enumerate(ctx.refs.practitioners):
        business = ctx.refs.businesses[n % len(ctx.refs.businesses)]
        for day in WEEKDAYS:
            ctx.add("daily_availabilities", _daily(ctx, start, pid, business, day))
        for k in range(2):
            begin = ctx.as_of - (60 - k * 30) * DAY + 9 * 3600
            ctx.add("availability_blocks", _availability(ctx, begin, pid, business))
        for k in range(6):
            begin = ctx.between(ctx.opened, ctx.as_of + 60 * DAY)
            deleted = k == 5
            ctx.add(
                "unavailable_blocks",
                ctx.rec(
                    "unavailable_blocks",
                    min(begin, ctx.as_of) - 7 * DAY,
                    archived_at=None,
                    deleted_at=ts(min(begin, ctx.as_of)) if deleted else None,
                    starts_at=ts(begin),
                    ends_at=ts(begin + 3600),
                    notes=None,
                    repeat_rule=None,
                    practitioner=ctx.link("practitioners", pid),
                    business=ctx.link("businesses", business),
                    unavailable_block_type=ctx.link("unavailable_block_types", block_types[k % 3]),
                    repeated_from=None,
                ),
            )


def _daily(ctx: Context, start: int, pid: int, business: int, day: int) -> dict[str, Any]:
    return ctx.rec(
        "daily_availabilities",
        start,
        day_of_week=day,
        availabilities=[
            {"starts_at": "09:00", "ends_at": "12:30"},
            {"starts_at": "13:30", "ends_at": "17:00"},
        ],
        time_zone="Melbourne",
        time_zone_identifier="Australia/Melbourne",
        practitioner=ctx.link("practitioners", pid),
        business=ctx.link("businesses", business),
    )


def _availability(ctx: Context, begin: int, pid: int, business: int) -> dict[str, Any]:
    return ctx.rec(
        "availability_blocks",
        min(begin, ctx.as_of) - 14 * DAY,
        starts_at=ts(begin),
        ends_at=ts(begin + 4 * 3600),
        repeat_rule={"repeat_type": "Weekly", "number_of_repeats": 4, "repeating_interval": 1},
        practitioner=ctx.link("practitioners", pid),
        business=ctx.link("businesses", business),
    )


def _contacts(ctx: Context, start: int) -> None:
    count = max(10, ctx.patients // 50)
    for i in range(count):
        first, last = ctx.pick(ctx.pools.first_names), ctx.pick(ctx.pools.last_names)
        payer = i % 10 == 9
        created = ctx.between(start, ctx.as_of)
        r = ctx.rec(
            "contacts",
            created,
            archived_at=ts(min(ctx.as_of, created + 90 * DAY)) if i % 10 == 4 else None,
            deleted_at=ts(min(ctx.as_of, created + 60 * DAY)) if i % 10 == 7 else None,
            title=None if payer else "Dr",
            first_name=first,
            last_name=last,
            preferred_name=None,
            company_name=ctx.pick(ctx.pools.companies) if payer else f"{last} Medical Centre",
            occupation=None if payer else "General practitioner",
            email=None
            if ctx.chance(rates.MISSING_EMAIL)
            else f"dr.{last}.{i}@clinic.example".lower(),
            notes=None,
            provider_number=None if payer else f"{ctx.rng.randrange(10**6):06d}X",
            address_1=ctx.pick(ctx.pools.streets),
            address_2=None,
            address_3=None,
            city=ctx.pick(SUBURBS),
            state="Victoria",
            post_code="3000",
            country="Australia",
            country_code="AU",
            phone_numbers=[ctx.phone("Work")],
            type="3rd Party Payer" if payer else "Doctor",
            type_code=2 if payer else 1,
            doctor_type=None if payer else ("specialist" if i % 4 == 0 else "general_practitioner"),
        )
        ctx.add("contacts", r)
        if not payer and r["archived_at"] is None and r["deleted_at"] is None:
            ctx.refs.doctors.append(int(r["id"]))


def _referral_types(ctx: Context, start: int) -> None:
    kinds = [
        ("Existing patient", "Patient", None),
        ("Doctor referral", "Contact", None),
        ("Online search", None, ["Google", "Bing"]),
        ("Social media", None, ["Facebook", "Instagram"]),
        ("Walk-in", None, None),
        ("Newspaper (old)", None, None),
    ]
    for i, (name, referrer_type, subcategories) in enumerate(kinds):
        r = ctx.rec(
            "referral_source_types",
            start,
            archived_at=ts(start + 30 * DAY) if i == 5 else None,
            name=name,
            referrer_type=referrer_type,
            subcategories=subcategories,
        )
        if referrer_type:
            r["referrers"] = ctx.collection(
                "patients" if referrer_type == "Patient" else "contacts"
            )
        ctx.add("referral_source_types", r)
        if i < 5:
            ctx.refs.referral_types.append((int(r["id"]), referrer_type or ""))
