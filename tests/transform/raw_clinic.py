"""A hand-made clinic in tap-cliniko's flattened record shape, with the edge cases dbt must handle.

Ids start with 9 so they never collide with the official examples loaded beside them. The status
instant the build uses is AS_OF; every classification below is relative to it.
"""

from __future__ import annotations

AS_OF = "2024-06-01T12:00:00Z"
MB = 1024 * 1024

NOTE_CONTENT = {
    "sections": [
        {
            "name": "Subjective",
            "questions": [
                {
                    "name": "Progress",
                    "type": "paragraph",
                    "answer": "<p>Better &amp; stronger</p><script>alert(1)</script>",
                },
                {"name": "Pain", "type": "text", "answer": "2/10"},
            ],
        }
    ]
}

CUSTOM_FIELDS = {
    "sections": [
        {
            "name": "Insurance coverage",
            "fields": [
                {
                    "name": "Provider",
                    "type": "radiobuttons",
                    "options": [
                        {"name": "Great Insurance"},
                        {"name": "Best Cover", "selected": True},
                    ],
                },
                {"name": "Policy Number", "type": "text", "value": "POL-9"},
                {"name": "Health fund", "type": "text", "value": "Fund Co"},
            ],
        }
    ]
}


def _appointment(id_, patient, business, practitioner, starts, ends, **extra):
    return {
        "id": id_,
        "patient_id": patient,
        "business_id": business,
        "practitioner_id": practitioner,
        "appointment_type_id": "9401",
        "starts_at": starts,
        "ends_at": ends,
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        **extra,
    }


RECORDS = {
    "businesses": [
        {"id": "911", "business_name": "North Clinic", "created_at": "2020-01-01T00:00:00Z"},
        {"id": "912", "business_name": "South Clinic", "created_at": "2021-01-01T00:00:00Z"},
        {
            "id": "913",
            "business_name": "Closed Clinic",
            "created_at": "2019-01-01T00:00:00Z",
            "deleted_at": "2022-01-01T00:00:00Z",
        },
    ],
    "users": [
        {"id": "921", "first_name": "Ann", "last_name": "Smith", "email": "Ann@Clinic.Example"}
    ],
    "practitioners": [
        {"id": "931", "user_id": "921", "first_name": "Ann", "last_name": "Smith", "active": True},
        # Its user was not extracted: no email, so no CRM owner can be matched.
        {"id": "932", "user_id": "929", "first_name": "Ben", "last_name": "Jones", "active": True},
        {"id": "933", "user_id": "928", "first_name": "Cy", "last_name": "Lo", "active": False},
    ],
    "practitioner_reference_numbers": [
        {
            "id": "935",
            "practitioner_id": "932",
            "business_id": "912",
            "name": "Provider #",
            "reference_number": "123AB",
        }
    ],
    # 933 has no bookings and no reference number: its business comes from the services it offers.
    "services": [
        {"business_id": "912", "appointment_type_id": "9401", "practitioner_ids": ["933"]}
    ],
    "appointment_types": [
        {"id": "9401", "name": "Initial consult", "duration_in_minutes": 60},
        {"id": "9402", "name": "Group class", "duration_in_minutes": 60, "max_attendees": 8},
    ],
    "billable_items": [{"id": "941", "name": "Initial consult", "price": "90.0", "tax_id": "945"}],
    "appointment_type_billable_items": [
        {"id": "943", "appointment_type_id": "9401", "billable_item_id": "941", "quantity": "1"}
    ],
    "products": [{"id": "942", "name": "Foam roller", "price_ex_tax": "10", "stock_level": "5"}],
    "taxes": [{"id": "945", "name": "GST", "rate": "10.0"}],
    "concession_types": [{"id": "951", "name": "Pensioner"}],
    "contacts": [
        {
            "id": "961",
            "first_name": "Darrell",
            "last_name": "Bode",
            "company_name": "Bayside Medical",
            "type": "Doctor",
            "type_code": 1,
        }
    ],
    "referral_source_types": [{"id": "962", "name": "Doctor", "referrer_type": "Contact"}],
    "referral_sources": [
        {
            "id": "963",
            "patient_id": "9101",
            "referral_source_type_id": "962",
            "referrer_type": "Contact",
            "referrer_id": "961",
        }
    ],
    "patients": [
        {
            "id": "9101",
            "first_name": "Jane",
            "last_name": "Doe",
            "date_of_birth": "1980-01-01",
            "email": "Jane@Example.com",
            "patient_phone_numbers": [{"phone_type": "Mobile", "number": "0400 000 001"}],
            "referring_doctor_id": "961",
            "custom_fields": CUSTOM_FIELDS,
            "updated_at": "2024-01-01T00:00:00Z",
        },
        # Same name and birth date as 9101, no email, no bookings.
        {"id": "9102", "first_name": "jane", "last_name": "DOE ", "date_of_birth": "1980-01-01"},
        # Same email as 9101.
        {
            "id": "9103",
            "first_name": "Bob",
            "last_name": "Roe",
            "email": "jane@example.com",
            "concession_type_id": "951",
        },
        {
            "id": "9104",
            "first_name": "Gone",
            "last_name": "Away",
            "deleted_at": "2023-01-01T00:00:00Z",
        },
        # Two versions of one patient: the later updated_at wins.
        {
            "id": "9105",
            "first_name": "New",
            "last_name": "Name",
            "email": "new@example.com",
            "updated_at": "2024-02-01T00:00:00Z",
            "_sdc_received_at": "2024-02-01T00:00:00Z",
        },
        {
            "id": "9105",
            "first_name": "Old",
            "last_name": "Name",
            "email": "old@example.com",
            "updated_at": "2023-02-01T00:00:00Z",
            "_sdc_received_at": "2024-03-01T00:00:00Z",
        },
        {
            "id": "9106",
            "first_name": "Merged",
            "last_name": "Away",
            "merged_at": "2023-05-01T00:00:00Z",
            "merged_with_patient_id": "9101",
        },
    ],
    "medical_alerts": [
        {
            "id": "971",
            "patient_id": "9101",
            "name": "Penicillin ALLERGY",
            "created_at": "2023-01-01T00:00:00Z",
        },
        {"id": "972", "patient_id": "9101", "name": "Asthma", "created_at": "2023-02-01T00:00:00Z"},
    ],
    "individual_appointments": [
        _appointment("981", "9101", "912", "931", "2024-05-01T09:00:00Z", "2024-05-01T10:00:00Z"),
        _appointment("982", "9101", "912", "931", "2024-07-01T09:00:00Z", "2024-07-01T09:30:00Z"),
        _appointment(
            "983",
            "9101",
            "911",
            "931",
            "2024-05-02T09:00:00Z",
            "2024-05-02T09:30:00Z",
            cancelled_at="2024-05-01T00:00:00Z",
            cancellation_reason=30,
        ),
        _appointment(
            "984",
            "9103",
            "911",
            "932",
            "2024-05-03T09:00:00Z",
            "2024-05-03T09:45:00Z",
            did_not_arrive=True,
        ),
        # Its patient was never extracted.
        _appointment("985", "9199", "911", "931", "2024-05-04T09:00:00Z", "2024-05-04T09:30:00Z"),
        _appointment(
            "986",
            "9101",
            "911",
            "931",
            "2024-05-05T09:00:00Z",
            "2024-05-05T09:30:00Z",
            deleted_at="2024-05-01T00:00:00Z",
        ),
    ],
    "group_appointments": [
        {
            "id": "987",
            "business_id": "911",
            "practitioner_id": "931",
            "appointment_type_id": "9402",
            "starts_at": "2024-05-10T10:00:00Z",
            "ends_at": "2024-05-10T11:00:00Z",
            "max_attendees": 8,
            "patient_ids": ["9103", "9101"],
        }
    ],
    "attendees": [
        {"id": "988", "booking_id": "987", "patient_id": "9103", "arrived": True},
        {
            "id": "989",
            "booking_id": "987",
            "patient_id": "9101",
            "cancelled_at": "2024-05-09T00:00:00Z",
            "cancellation_reason": 10,
        },
    ],
    "invoices": [
        {
            "id": "991",
            "patient_id": "9101",
            "business_id": "912",
            "practitioner_id": "931",
            "number": 1,
            "status": 20,
            "issue_date": "2024-05-01",
            "total_amount": "110.0",
        },
        {
            "id": "992",
            "patient_id": "9103",
            "number": 2,
            "status": 10,
            "issue_date": "2024-03-01",
            "total_amount": "50.0",
        },
        {
            "id": "993",
            "patient_id": "9101",
            "number": 3,
            "status": 10,
            "issue_date": "2024-05-25",
            "total_amount": "20.0",
        },
        {
            "id": "994",
            "patient_id": "9101",
            "number": 4,
            "status": 20,
            "issue_date": "2024-05-01",
            "deleted_at": "2024-05-02T00:00:00Z",
        },
    ],
    "invoice_items": [
        {
            "id": "9951",
            "invoice_id": "991",
            "billable_item_id": "941",
            "name": "Initial consult",
            "quantity": "1",
            "unit_price": "90",
            "created_at": "2024-05-01T09:00:00Z",
        },
        {
            "id": "9952",
            "invoice_id": "991",
            "product_id": "942",
            "name": "Foam roller",
            "quantity": "2.0",
            "unit_price": "10",
            "created_at": "2024-05-01T09:01:00Z",
        },
    ],
    "treatment_notes": [
        {
            "id": "9961",
            "patient_id": "9101",
            "practitioner_id": "931",
            "title": "Consult",
            "content": NOTE_CONTENT,
        },
        {"id": "9962", "patient_id": "9103", "practitioner_id": "932", "title": "Empty"},
    ],
    "patient_attachments": [
        {"id": "9971", "patient_id": "9101", "filename": "small.pdf", "size": 1000},
        {"id": "9972", "patient_id": "9101", "filename": "scan.dcm", "size": 30 * MB},
        {
            "id": "9973",
            "patient_id": "9103",
            "filename": "late.pdf",
            "content_size": 2000,
            "content_path": "attachments/9973/late.pdf",
        },
    ],
    "patient_cases": [
        {
            "id": "9991",
            "patient_id": "9101",
            "name": "EPC 2024",
            "referral": True,
            "referral_type": "medicare",
            "issue_date": "2024-01-10",
            "expiry_date": "2025-01-10",
            "max_sessions": 5,
        },
        {
            "id": "9992",
            "patient_id": "9101",
            "name": "EPC 2023",
            "referral": True,
            "referral_type": "medicare",
            "issue_date": "2023-01-10",
            "expiry_date": "2024-01-10",
        },
    ],
    "patient_forms": [
        {
            "id": "9981",
            "patient_id": "9101",
            "name": "Intake",
            "completed_at": "2024-04-01T00:00:00Z",
        }
    ],
    "settings": [{"id": "9990", "account": {"name": "Test clinic", "time_zone": "Melbourne"}}],
}

# Columns an older staging file would lack: they must read as nulls, not break the build.
OMITTED_COLUMNS = {"products": ["stock_level"]}
