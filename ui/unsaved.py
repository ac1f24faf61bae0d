"""Closing a form with unsaved input asks first: keep it as a draft, throw it away, or go back."""

from ui.qt import QMessageBox


class AsksBeforeClosing:
    """Mixed into a QDialog that keeps its input in ``self._drafts`` under ``self._draft_key``
    (or keeps none: ``_drafts`` absent or None).

    The dialog says what is unsaved with ``unsaved()`` and names itself in ``CLOSE_TITLE`` and
    ``CLOSE_TEXT`` (the first line of the question)."""

    CLOSE_TITLE = ""
    CLOSE_TEXT = ""

    def unsaved(self) -> bool:
        raise NotImplementedError

    def reject(self) -> None:
        if self.unsaved():
            answer = QMessageBox.question(self, self.CLOSE_TITLE, *self._close_choices())
            if answer == QMessageBox.StandardButton.Cancel:
                return
            drafts = getattr(self, "_drafts", None)
            if answer == QMessageBox.StandardButton.Discard and drafts is not None:
                drafts.discard(self._draft_key)
        super().reject()

    def _close_choices(self):
        """The question's text, buttons and default: 保存 only where a draft is kept (a form
        without drafts, such as 门诊结算, must not promise one)."""
        Button = QMessageBox.StandardButton
        if getattr(self, "_drafts", None) is None:
            text = f"{self.CLOSE_TEXT}\n\n“丢弃”：删除已录入的内容；\n“取消”：回到填写。"
            return text, Button.Discard | Button.Cancel, Button.Cancel
        text = (
            f"{self.CLOSE_TEXT}\n\n“保存”：保留为草稿，下次打开时恢复；\n"
            "“丢弃”：删除已录入的内容；\n“取消”：回到填写。"
        )
        return text, Button.Save | Button.Discard | Button.Cancel, Button.Save

    def closeEvent(self, event) -> None:
        event.ignore()
        self.reject()
