#' 2D depthwise convolution layer
#'
#' Depthwise convolution convolves each input channel with its own kernel(s)
#' (`depth_multiplier` of them) and concatenates the results along the
#' channels axis; unlike a regular convolution, it never mixes channels. It is
#' the first step of a depthwise separable convolution.
#'
#' The formals are keras3's. Every argument is checked in the Python package
#' `kerasr_bridge` (shared with Python users) before anything is built or
#' computed: non-whole sizes such as `2.5`, `NA`, zero or negative sizes,
#' strings where numbers belong, lists of the wrong length, and
#' `padding = "causal"` are errors that name the argument. Integer arrays are
#' cast to the layer's dtype; unequal strides such as `list(2L, 1L)` work on
#' the CPU, and so do `strides > 1` together with `dilation_rate > 1`, as in
#' keras3.
#'
#' @param object Object to compose the layer with: missing or `NULL` returns
#'   the layer; a Sequential model gets the layer added and is returned; a
#'   tensor, array or `keras$Input()` is passed through the layer and the
#'   output returned.
#' @param kernel_size int or list of 2 integers, the size of the depthwise
#'   convolution window.
#' @param strides int or list of 2 integers, the stride length of the
#'   depthwise convolution. Strides may differ between the axes and may be
#'   combined with `dilation_rate > 1`.
#' @param padding `"valid"` or `"same"` (case-insensitive). `"valid"` means no
#'   padding; `"same"` pads evenly so that, with `strides = 1`, the output has
#'   the size of the input.
#' @param depth_multiplier The number of output channels for each input
#'   channel; the layer outputs `input_channel * depth_multiplier` channels.
#' @param data_format `"channels_last"` (inputs `(batch, height, width,
#'   channels)`) or `"channels_first"` (inputs `(batch, channels, height,
#'   width)`). `NULL` takes the `image_data_format` of your Keras config,
#'   `"channels_last"` unless you changed it.
#' @param dilation_rate int or list of 2 integers, the dilation rate for
#'   dilated convolution.
#' @param activation Activation function: a name such as `"relu"`, a Keras
#'   activation or an R function. `NULL` applies none.
#' @param use_bias `TRUE` or `FALSE`: whether a bias is added to the output.
#' @param depthwise_initializer Initializer for the kernel (`NULL` means
#'   `"glorot_uniform"`).
#' @param bias_initializer Initializer for the bias (`NULL` means `"zeros"`).
#' @param depthwise_regularizer Optional regularizer for the kernel.
#' @param bias_regularizer Optional regularizer for the bias.
#' @param activity_regularizer Optional regularizer for the output.
#' @param depthwise_constraint Optional projection applied to the kernel after
#'   each optimizer update (e.g. a norm or value constraint); a Keras
#'   constraint or a function that takes and returns a tensor of the same
#'   shape. Constraints are not safe in asynchronous distributed training.
#' @param bias_constraint Optional projection applied to the bias after each
#'   optimizer update.
#' @param ... The older R keras arguments, by name: `input_shape` (no batch
#'   axis), `batch_input_shape` (with it), `batch_size` (with `input_shape`),
#'   `dtype`, `name`, `trainable` and `weights` (initial weights, as
#'   `get_weights()` returns them). An empty Sequential model given a layer
#'   with an input shape starts with the matching input.
#'
#' @section Input shape:
#' `(batch_size, height, width, channels)` with `data_format =
#' "channels_last"`, `(batch_size, channels, height, width)` with
#' `"channels_first"`.
#'
#' @section Output shape:
#' `(batch_size, new_height, new_width, channels * depth_multiplier)` with
#' `"channels_last"`, `(batch_size, channels * depth_multiplier, new_height,
#' new_width)` with `"channels_first"`.
#'
#' @section Raises:
#' An R error whose message is exactly the Python package's, with the value
#' quoted in R syntax, e.g.
#' ``Invalid `kernel_size`: expected a whole number >= 1; received 2.5.``
#' Its classes are `kerasrbridge_ValueError` (or `kerasrbridge_TypeError`),
#' `kerasrbridge_error`, and those reticulate gives the Python exception
#' (`python.builtin.ValueError`, `python.builtin.Exception`), so handlers
#' written for keras3 or reticulate catch it too.
#'
#' @section With keras3:
#' keras3 exports objects of the same names. Whichever package is attached
#' last masks three objects of the other, `keras`,
#' `layer_depthwise_conv_1d` and `layer_depthwise_conv_2d` (R lists them
#' when it attaches); write `kerasrbridge::layer_depthwise_conv_2d()` or
#' `keras3::layer_depthwise_conv_2d()` to choose either way. Both build real
#' Keras layers, so they mix in one model, and keras3's `compile()`, `fit()`,
#' `save_model()` and `load_model()` work on models made with ours. Attaching
#' kerasrbridge is enough for any loader to find our registered layer classes.
#'
#' @return The layer, the extended Sequential model, or a tensor
#'   representing `activation(depthwise_conv2d(inputs, kernel) + bias)`,
#'   depending on `object`.
#' @seealso [layer_depthwise_conv_1d()], the vignette
#'   `vignette("depthwise-convolution", package = "kerasrbridge")`.
#' @family depthwise convolution layers
#' @examples
#' x <- array(runif(4 * 10 * 10 * 12), dim = c(4, 10, 10, 12))
#' y <- x |> layer_depthwise_conv_2d(kernel_size = 3, depth_multiplier = 3,
#'                                   activation = "relu")
#' dim(as.array(y))
#'
#' model <- keras$Sequential(list(keras$Input(shape = list(28L, 28L, 3L)))) |>
#'   layer_depthwise_conv_2d(kernel_size = 3) |>
#'   layer_depthwise_conv_2d(kernel_size = 3, strides = 2)
#' model$output_shape
#'
#' try(layer_depthwise_conv_2d(kernel_size = 2.5))
#' @export
layer_depthwise_conv_2d <- function(object, kernel_size, strides = list(1L, 1L), padding = "valid",
                                    depth_multiplier = 1L, data_format = NULL,
                                    dilation_rate = list(1L, 1L), activation = NULL, use_bias = TRUE,
                                    depthwise_initializer = "glorot_uniform", bias_initializer = "zeros",
                                    depthwise_regularizer = NULL, bias_regularizer = NULL,
                                    activity_regularizer = NULL, depthwise_constraint = NULL,
                                    bias_constraint = NULL, ...) {
  call_bridge("layer_depthwise_conv_2d")
}

#' 1D depthwise convolution layer
#'
#' Convolves each channel of a sequence with its own kernel(s)
#' (`depth_multiplier` of them), never mixing channels. See
#' [layer_depthwise_conv_2d()] for the checks shared by both functions.
#'
#' @inheritParams layer_depthwise_conv_2d
#' @param kernel_size int or list of 1 integer, the size of the depthwise
#'   convolution window.
#' @param strides int or list of 1 integer, the stride length of the
#'   convolution; may be combined with `dilation_rate > 1`.
#' @param data_format `"channels_last"` (inputs `(batch, steps, features)`) or
#'   `"channels_first"` (inputs `(batch, features, steps)`). `NULL` takes the
#'   `image_data_format` of your Keras config, `"channels_last"` unless you
#'   changed it.
#' @param dilation_rate int or list of 1 integer, the dilation rate for
#'   dilated convolution.
#'
#' @section Input shape:
#' `(batch_size, steps, channels)` with `data_format = "channels_last"`,
#' `(batch_size, channels, steps)` with `"channels_first"`.
#'
#' @section Output shape:
#' `(batch_size, new_steps, channels * depth_multiplier)` with
#' `"channels_last"`, `(batch_size, channels * depth_multiplier, new_steps)`
#' with `"channels_first"`.
#'
#' @section Raises:
#' An R error with the classes described in [layer_depthwise_conv_2d()],
#' e.g. for `kernel_size = c(3, 3)` (a 1D layer takes one size).
#'
#' @return The layer, the extended Sequential model, or a tensor
#'   representing `activation(depthwise_conv1d(inputs, kernel) + bias)`,
#'   depending on `object`.
#' @family depthwise convolution layers
#' @examples
#' x <- array(runif(4 * 10 * 12), dim = c(4, 10, 12))
#' y <- x |> layer_depthwise_conv_1d(kernel_size = 3, depth_multiplier = 3,
#'                                   activation = "relu")
#' dim(as.array(y))
#'
#' # A moving average of width 3 on every channel, set through `weights`:
#' smooth <- layer_depthwise_conv_1d(kernel_size = 3, padding = "same", use_bias = FALSE,
#'                                   weights = list(array(1 / 3, dim = c(3, 2, 1))))
#' signal <- array(c(0, 0, 3, 0, 0, 1, 1, 1, 1, 1), dim = c(1, 5, 2))
#' as.array(smooth(signal))[1, , ]
#' @export
layer_depthwise_conv_1d <- function(object, kernel_size, strides = 1L, padding = "valid",
                                    depth_multiplier = 1L, data_format = NULL, dilation_rate = 1L,
                                    activation = NULL, use_bias = TRUE,
                                    depthwise_initializer = "glorot_uniform", bias_initializer = "zeros",
                                    depthwise_regularizer = NULL, bias_regularizer = NULL,
                                    activity_regularizer = NULL, depthwise_constraint = NULL,
                                    bias_constraint = NULL, ...) {
  call_bridge("layer_depthwise_conv_1d")
}
