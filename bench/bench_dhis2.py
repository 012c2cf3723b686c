"""dhis2_export_seconds: the DHIS2 dataValueSets document of 700 mutuals × 12 months.

The 700-mutual demo federation (one household each, no claims) gets a year of synthetic monthly
base figures for every mutual (bench/probes/dhis2.py); every indicator of the catalogue and every
base figure is mapped to a data element, every mutual to an org unit. The probe then times
building the whole document as a push does chunk by chunk (interop.dhis2.documents: the figures
read through monitoring.queries, the indicators worked out, the JSON written), median of 3; the
CPU time is printed beside it, which a busy machine inflates less."""

from bench import BenchError, Context, Result

MUTUALS = 700


def run(ctx: Context) -> list[Result]:
    folder, url = ctx.demo_database(
        "dhis2", "--mutuals", str(MUTUALS), "--households-per-mutual", "1", "--claims-months", "0"
    )
    figures = ctx.probe("dhis2", database_url=url, var_dir=folder, timeout=1800)
    if figures["mutuals"] != MUTUALS or figures["values"] < MUTUALS * 12 * 60:
        raise BenchError(f"the document is not what the figure assumes: {figures}")
    runs = ", ".join(f"{seconds:.2f}" for seconds in figures["all_seconds"])
    print(
        f"  {figures['values']} values of {figures['mutuals']} mutuals × {figures['months']} "
        f"months ({figures['figure_rows']} figure rows): JSON of "
        f"{figures['json_bytes'] / 1e6:.1f} MB in {figures['seconds']:.2f} s (CPU "
        f"{figures['cpu_seconds']:.2f} s; runs {runs}"
        f"), ADX of {figures['adx_bytes'] / 1e6:.1f} MB in {figures['adx_seconds']:.2f} s",
        flush=True,
    )
    return [
        Result("dhis2_export_seconds", round(figures["seconds"], 2), "s", goal=5, better="lower"),
    ]
