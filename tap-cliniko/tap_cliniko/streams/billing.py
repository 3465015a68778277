"""Streams about money and stock: invoices, items, products, taxes, concessions."""

from __future__ import annotations

from tap_cliniko.client import ARCHIVED, DELETED, ClinikoStream
from tap_cliniko.schema import (
    booleans,
    dates,
    datetimes,
    decimals,
    integers,
    links,
    record_schema,
    strings,
)


class InvoicesStream(ClinikoStream):
    """Invoices (read-only in the API), reversed and deleted ones included."""

    name = "invoices"
    hidden_row_filters = (ARCHIVED, DELETED)
    schema = record_schema(
        datetimes("archived_at", "closed_at", "deleted_at"),
        integers("number", "status", "calculation_method"),
        dates("issue_date"),
        strings("status_description", "calculation_method_description"),
        decimals("total_amount", "net_amount", "tax_amount", "discounted_amount"),
        strings("invoice_to", "notes", "patient_extra_information", "online_payment_url"),
        links(
            patient="patients",
            practitioner="practitioners",
            business="businesses",
            appointment="appointments",
            attendee="attendees",
            original_invoice="invoices",
            signature="signatures",
        ),
    )


class InvoiceItemsStream(ClinikoStream):
    """Invoice lines; each is for a billable item or a product."""

    name = "invoice_items"
    hidden_row_filters = (ARCHIVED, DELETED)
    schema = record_schema(
        datetimes("archived_at", "deleted_at"),
        strings("name", "code", "tax_name", "concession_type_name"),
        decimals("quantity", "unit_price", "net_price", "discount_percentage"),
        decimals("discounted_amount", "tax_rate", "tax_amount", "total_including_tax"),
        booleans("is_monetary_discount"),
        links(invoice="invoices", billable_item="billable_items", product="products"),
    )


class BillableItemsStream(ClinikoStream):
    """Services and other items the clinic bills for."""

    name = "billable_items"
    hidden_row_filters = (ARCHIVED,)
    schema = record_schema(
        datetimes("archived_at"),
        strings("name", "item_code", "item_type"),
        decimals("price"),
        links(tax="taxes"),
    )


class ProductsStream(ClinikoStream):
    """Products the clinic sells."""

    name = "products"
    hidden_row_filters = (ARCHIVED,)
    schema = record_schema(
        datetimes("archived_at"),
        strings("name", "item_code", "serial_number", "notes", "product_supplier_name"),
        decimals("cost_price", "price_ex_tax", "price_including_tax", "stock_level"),
        links(tax="taxes", product_supplier="product_suppliers"),
    )


class ProductSuppliersStream(ClinikoStream):
    """Suppliers of products."""

    name = "product_suppliers"
    schema = record_schema(strings("name"))


class StockAdjustmentsStream(ClinikoStream):
    """Changes to a product's stock level (append-only)."""

    name = "stock_adjustments"
    hidden_row_filters = (ARCHIVED,)
    schema = record_schema(
        datetimes("archived_at"),
        decimals("quantity"),
        strings("adjustment_type", "comment", "notes"),
        links(product="products", user="users"),
    )


class TaxesStream(ClinikoStream):
    """Tax rates."""

    name = "taxes"
    schema = record_schema(strings("name"), decimals("rate", "amount"))


class ConcessionTypesStream(ClinikoStream):
    """Concession categories (pensioner, student ...)."""

    name = "concession_types"
    hidden_row_filters = (ARCHIVED,)
    schema = record_schema(datetimes("archived_at"), strings("name"))


class ConcessionPricesStream(ClinikoStream):
    """A billable item's price for a concession type."""

    name = "concession_prices"
    schema = record_schema(
        decimals("price"),
        links(billable_item="billable_items", concession_type="concession_types"),
    )


class PractitionerReferenceNumbersStream(ClinikoStream):
    """Provider numbers, per practitioner per business."""

    name = "practitioner_reference_numbers"
    schema = record_schema(
        strings("name", "reference_number"),
        links(practitioner="practitioners", business="businesses"),
    )
