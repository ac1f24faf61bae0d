"""A read-only table model over a list of plain records: the part the window's lists share."""

from ui.qt import QAbstractTableModel, QModelIndex, Qt


class RowsModel(QAbstractTableModel):
    """``rows`` shown under ``titles``; a subclass gives ``data``."""

    def __init__(self, titles: tuple[str, ...], parent=None):
        super().__init__(parent)
        self.titles = titles
        self.rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.titles)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.titles[section]
        return None
