"""``sabio.model_monitor.cron_expression_generator``: SageMaker's schedule expressions."""

from __future__ import annotations

from sabio.exceptions import ValidationError

__all__ = ["CronExpressionGenerator"]


class CronExpressionGenerator:
    """Schedule expressions for ``create_monitoring_schedule`` (times are UTC).

    Example:
        >>> CronExpressionGenerator.hourly()
        'cron(0 * ? * * *)'
        >>> CronExpressionGenerator.daily_every_x_hours(6, starting_hour=1)
        'cron(0 1/6 ? * * *)'
    """

    @staticmethod
    def hourly() -> str:
        """Every hour, on the hour."""
        return "cron(0 * ? * * *)"

    @staticmethod
    def daily(hour: int = 0) -> str:
        """Every day at ``hour`` (0-23).

        Raises:
            ValidationError: an hour outside 0-23.
        """
        if not 0 <= hour <= 23:
            raise ValidationError(f"hour must be 0-23, got {hour!r}.")
        return f"cron(0 {hour} ? * * *)"

    @staticmethod
    def daily_every_x_hours(hour_interval: int, starting_hour: int = 0) -> str:
        """Every ``hour_interval`` hours from ``starting_hour``.

        Raises:
            ValidationError: an interval outside 1-23 or a starting hour outside 0-23.
        """
        if not 1 <= hour_interval <= 23 or not 0 <= starting_hour <= 23:
            raise ValidationError(
                f"hour_interval must be 1-23 and starting_hour 0-23, got {hour_interval!r} and "
                f"{starting_hour!r}."
            )
        return f"cron(0 {starting_hour}/{hour_interval} ? * * *)"

    @staticmethod
    def now() -> str:
        """One execution now (with ``data_analysis_start_time``/``end_time`` offsets)."""
        return "NOW"
