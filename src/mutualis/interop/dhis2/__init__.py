"""DHIS2 (issue 15, docs/dhis2.md): the monthly indicators and base figures of the mutuals sent
to a ministry's DHIS2 as `dataValueSets` JSON or ADX, by the mapping a union keeps."""
