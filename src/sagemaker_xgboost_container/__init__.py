"""``sagemaker_xgboost_container``: the helpers XGBoost scripts import, on sabio.

SageMaker's XGBoost container ships this package; script-mode XGBoost scripts import parts
of it. sabio provides those parts with the container's behaviour, for the XGBoost
installed in this environment:

- ``data_utils.get_dmatrix(path, content_type)``: a channel folder (CSV with the label in
  the first column, or libsvm) as an ``xgboost.DMatrix``;
- ``encoder``: ``csv_to_dmatrix``, ``libsvm_to_dmatrix``, ``decode`` for request bodies;
- ``distributed``: ``wait_hostname_resolution`` and ``rabit_run`` for one host.

Not covered: the container's algorithm mode (sabio's XGBoost built-in is
``image_uris.retrieve("xgboost")``), RecordIO-protobuf and Parquet channels, and
multi-host Rabit training.
"""
