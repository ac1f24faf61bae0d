"""Closing a form with unsaved input asks first: keep it as a draft, throw it away, or go back."""

from ui.qt import QMessageBox


class AsksBeforeClosing:
    """Mixed into a QDialog that keeps its input in ``self._drafts`` under ``self._draft_key``.

    The dialog says what is unsaved with ``unsaved()`` and names itself in ``CLOSE_TITLE`` and
    ``CLOSE_TEXT`` (the first line of the question)."""

    CLOSE_TITLE = ""
    CLOSE_TEXT = ""

    def unsaved(self) -> bool:
        raise NotImplementedError

    def reject(self) -> None:
        if self.unsaved():
            answer = QMessageBox.question(
                self,
                self.CLOSE_TITLE,
                f"{self.CLOSE_TEXT}\n\n“保存”：保留为草稿，下次打开时恢复；\n"
                "“放弃”：删除已录入的内容；\n“取消”：回到填写。",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Discard and self._drafts is not None:
                self._drafts.discard(self._draft_key)
        super().reject()

    def closeEvent(self, event) -> None:
        event.ignore()
        self.reject()
