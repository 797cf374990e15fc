"""``sabio.workflow.step_collections``: steps that expand into several definition steps."""

from __future__ import annotations

from typing import Any

from sabio.workflow.steps import Step

__all__ = ["RegisterModel", "StepCollection"]


class StepCollection:
    """A named group of steps (``ModelStep``, ``RegisterModel``); a pipeline writes each of
    its steps, and depending on it depends on all of them."""

    def __init__(self, name: str, steps: list[Step] | None = None, depends_on: Any = None):
        self.name = name
        self.steps: list[Step] = list(steps or [])
        self.depends_on = depends_on

    def request_dicts(self) -> list[dict[str, Any]]:
        """The definition entries of its steps."""
        return [step.to_request() for step in self.steps]

    @property
    def properties(self) -> Any:
        """The properties of its last step."""
        return self.steps[-1].properties


class RegisterModel(StepCollection):
    """Register a model version in a pipeline (SageMaker's ``RegisterModel``): the model of
    ``estimator`` (its image) with ``model_data`` (e.g. a training or tuning step's
    artifacts), as a ``<name>-RegisterModel`` step; or ``model=`` a Model.

    The model package group is created when it does not exist.
    """

    def __init__(
        self,
        name: str,
        content_types: list[str],
        response_types: list[str],
        inference_instances: list[str] | None = None,
        transform_instances: list[str] | None = None,
        estimator: Any = None,
        model_data: Any = None,
        depends_on: Any = None,
        repack_model_step_retry_policies: Any = None,
        register_model_step_retry_policies: Any = None,
        model_package_group_name: str | None = None,
        model_metrics: Any = None,
        approval_status: str | None = None,
        image_uri: str | None = None,
        compile_model_family: str | None = None,
        display_name: str | None = None,
        description: str | None = None,
        tags: Any = None,
        model: Any = None,
        drift_check_baselines: Any = None,
        customer_metadata_properties: dict[str, str] | None = None,
        domain: str | None = None,
        sample_payload_url: str | None = None,
        task: str | None = None,
        **kwargs: Any,
    ) -> None:
        from sabio.exceptions import ValidationError
        from sabio.model import Model
        from sabio.workflow._register import RegisterModelStep
        from sabio.workflow.pipeline_context import _StepArguments

        if model is None:
            if estimator is None or model_data is None:
                raise ValidationError(
                    f"RegisterModel {name!r} needs estimator= and model_data= (or model=)."
                )
            model = Model(
                model_data=model_data,
                image_uri=image_uri or estimator.image_uri,
                entry_point=kwargs.get("entry_point"),
                source_dir=kwargs.get("source_dir"),
                sagemaker_session=estimator.sagemaker_session,
            )
        step_args = _StepArguments(
            "register",
            model,
            (),
            {
                "content_types": content_types,
                "response_types": response_types,
                "inference_instances": inference_instances,
                "transform_instances": transform_instances,
                "model_package_group_name": model_package_group_name,
                "image_uri": image_uri,
                "model_metrics": model_metrics,
                "approval_status": approval_status,
                "description": description,
                "customer_metadata_properties": customer_metadata_properties,
                "domain": domain,
                "task": task,
                "sample_payload_url": sample_payload_url,
            },
        )
        step = RegisterModelStep(
            f"{name}-RegisterModel",
            step_args=step_args,
            depends_on=depends_on,
            retry_policies=register_model_step_retry_policies,
            display_name=display_name,
            description=description,
        )
        super().__init__(name, [step], depends_on)
