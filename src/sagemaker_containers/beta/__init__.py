"""``sagemaker_containers.beta``: the namespace of the framework helpers."""
