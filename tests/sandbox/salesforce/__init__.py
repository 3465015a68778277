"""Tests of the Salesforce simulator."""
