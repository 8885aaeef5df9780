"""Native Excel charts of a report's figures, in words, sized to print at full size.

Mixed into :class:`~.xlsx.QuestionnaireSheets`: the charts refer to the cells its tables
wrote, and stand on sheets of their own, one under another, a page break wherever the next
would not fit on an A4 landscape page.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell

from ..analysis.report import ItemResult

#: the columns of an item's figures on the question sheets; the options follow, two each
GROUP, N, K, SHARE, TARGET, MEAN, ANSWERED = range(7)
FIRST_OPTION = 7

#: chart sizes in pixels: as wide as an A4 landscape page prints at 100 %
CHART_WIDTH = 900
CHART_HEIGHT = 290
ROW_PX = 20
#: rows of one printed A4 landscape page of charts (margins and header left)
PAGE_ROWS = 31
COLOURS = ("#0B6E4F", "#2F5D8A", "#C17C00", "#8A3B6F", "#5B7F2A", "#7A7A7A", "#B5452E", "#3E8E9C")
TARGET_COLOUR = "#C00000"
LIGHT = ("#BFBFBF", "#D9D9D9", "#EF8A62", "#67A9CF")


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def reference(sheet: str, first: tuple[int, int], last: tuple[int, int] | None = None) -> str:
    """A chart reference to one cell or one rectangle of a sheet."""
    last = last or first
    return (f"={_quote(sheet)}!{xl_rowcol_to_cell(*first, True, True)}:"
            f"{xl_rowcol_to_cell(*last, True, True)}")


class ChartSheets:
    """The charts of :class:`~.xlsx.QuestionnaireSheets` (which provides the workbook, the
    words, the formats and the page set-up)."""

    def _chart(self, kind: str, subtype: str | None = None):
        spec = {"type": kind}
        if subtype:
            spec["subtype"] = subtype
        return self.workbook.add_chart(spec)

    def _finish(self, chart, title: str, height: int = CHART_HEIGHT, legend: bool = True):
        chart.set_title({"name": title, "name_font": {"size": 11, "bold": True}})
        chart.set_legend({"position": "bottom", "font": {"size": 9}} if legend else {"none": True})
        chart.set_size({"width": CHART_WIDTH, "height": height})
        chart.set_chartarea({"border": {"none": True}})
        return chart

    def _item_charts(self, sheet: str, result: ItemResult, dim_label: str | None, first: int, last: int,
                     option_cols: dict[str, int], target: float | None, distribution: bool) -> list:
        """A section's charts: the share (or mean) by group with the target as a line; and,
        for the first section, the answers' distribution as 100 % stacked bars."""
        _ = self._
        item = result.item
        question = item.question
        words = self.words
        subject = words.item(item)
        by = _("per %(dimension)s") % {"dimension": dim_label.lower()} if dim_label else ""
        categories = reference(sheet, (first, GROUP), (last, GROUP))
        charts = []
        if item.has_share or item.has_mean:
            chart = self._chart("column")
            share = item.has_share
            column = SHARE if share else MEAN
            chart.add_series({
                "name": _("Andel") if share else _("Medelvärde"),
                "categories": categories,
                "values": reference(sheet, (first, column), (last, column)),
                "data_labels": {"value": True, "num_format": "0%" if share else "0.0",
                                "font": {"size": 9}},
                "fill": {"color": COLOURS[0]},
                # Totalt, the section's last bar, in the second colour as on the page
                "points": [None] * (last - first) + [{"fill": {"color": COLOURS[1]}}],
                "gap": 80,
            })
            if share:
                chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%",
                                  "major_gridlines": {"visible": True}})
                name = _("Andel som svarat %(positive)s") % {"positive": self._positive(question)}
            else:
                chart.set_y_axis({"min": 0, "max": 5, "major_unit": 1})
                name = _("Medelvärde")
            if target is not None:
                line = self._chart("line")
                line.add_series({
                    "name": _("Mål %(target)s %%") % {"target": f"{target * 100:g}"},
                    "categories": categories,
                    "values": reference(sheet, (first, TARGET), (last, TARGET)),
                    "line": {"color": TARGET_COLOUR, "width": 2, "dash_type": "dash"},
                    "marker": {"type": "none"},
                })
                chart.combine(line)
            chart.set_x_axis({"num_font": {"size": 9}, "interval_unit": 1})
            title = f"{subject}\n{name}" + (f" {by}" if by else "")
            charts.append(self._finish(chart, title, legend=target is not None))
        if distribution and question.options:
            charts.append(self._distribution_chart(sheet, result, first, last, option_cols, by))
        return charts

    def _positive(self, question) -> str:
        """The positive options' labels: "Ganska bra eller Mycket bra"."""
        labels = [self.words.option(question, c) for c in question.positive]
        if len(labels) <= 1:
            return "".join(labels)
        return self._("%(first)s eller %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}

    def _distribution_chart(self, sheet: str, result: ItemResult, first: int, last: int,
                            option_cols: dict[str, int], by: str):
        _ = self._
        item = result.item
        question = item.question
        title = f"{self.words.item(item)}\n" + _("Svaren") + (f" {by}" if by else "")
        if question.type == "multi":
            # several answers each: the share choosing each option, side by side, not stacked
            chart = self._chart("bar")
            for number, option in enumerate(question.options):
                col = option_cols[option.code] + 1
                chart.add_series({
                    "name": self.words.questionnaire(option.label),
                    "categories": reference(sheet, (first, GROUP), (last, GROUP)),
                    "values": reference(sheet, (first, col), (last, col)),
                    "fill": {"color": COLOURS[number % len(COLOURS)]},
                    "data_labels": {"value": True, "num_format": "0%", "font": {"size": 9}},
                })
            chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%"})
            chart.set_y_axis({"reverse": True, "num_font": {"size": 9}, "interval_unit": 1})
            height = max(CHART_HEIGHT, 90 + 16 * len(question.options) * (last - first + 1))
            return self._finish(chart, title, height)
        chart = self._chart("bar", "percent_stacked")
        for number, option in enumerate(question.options):
            col = option_cols[option.code] + 1
            chart.add_series({
                "name": self.words.questionnaire(option.label),
                "categories": reference(sheet, (first, GROUP), (last, GROUP)),
                "values": reference(sheet, (first, col), (last, col)),
                "fill": {"color": self._option_colour(question, number)},
                "data_labels": {"value": True, "num_format": "0%;;;",
                                "font": {"size": 9, "color": self._label_colour(question, number)}},
                "gap": 60,
            })
        chart.set_x_axis({"num_format": "0%", "min": 0, "max": 1})
        chart.set_y_axis({"reverse": True, "num_font": {"size": 9}, "interval_unit": 1})
        height = max(CHART_HEIGHT, 110 + 30 * (last - first + 1))
        return self._finish(chart, title, height)

    def _label_colour(self, question, number: int) -> str:
        """White on the dark ends of the ramp, black on the light middle."""
        return "#000000" if self._option_colour(question, number) in LIGHT else "#FFFFFF"

    def _option_colour(self, question, number: int) -> str:
        option = question.options[number]
        if option.not_applicable:
            return "#BFBFBF"
        scale = [o for o in question.options if not o.not_applicable]
        if question.is_scale or question.type == "band":
            # a diverging ramp from red over grey to green, as the reports draw scales
            ramp = ("#B2182B", "#EF8A62", "#D9D9D9", "#67A9CF", "#2166AC")
            if len(scale) <= 1:
                return ramp[-1]
            position = scale.index(option) * (len(ramp) - 1) / (len(scale) - 1)
            return ramp[round(position)]
        return COLOURS[number % len(COLOURS)]

    def chart_sheet(self, title: str, charts: list) -> None:
        """Charts one under another at full size, a page break wherever the next would not fit."""
        name = self.sheet_name(title)
        ws = self.workbook.add_worksheet(name)
        ws.set_paper(9)
        ws.set_landscape()
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        ws.fit_to_pages(1, 0)
        ws.hide_gridlines(2)
        self._page_texts(ws)
        # a heading; a sheet with no cell at all would also leave its row file behind
        self.put_text(ws, 0, 0, title, "title")
        row, used, breaks = 1, 1, []
        for chart in charts:
            rows = -(-(chart.height + 10) // ROW_PX)
            if used and used + rows > PAGE_ROWS:
                breaks.append(row)
                used = 0
            ws.insert_chart(row, 0, chart, {"x_offset": 4, "y_offset": 4})
            row += rows
            used += rows
        if breaks:
            ws.set_h_pagebreaks(breaks)
        ws.print_area(0, 0, max(row - 1, 0), 14)

    # change over time -------------------------------------------------------------------------
