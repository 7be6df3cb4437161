# A Python without kerasr_bridge: the one message, with its classes and the user's call.
library(kerasrbridge)
error <- tryCatch(layer_depthwise_conv_2d(kernel_size = 3), error = identity)
cat("CLASSES", class(error), "\n")
cat("CALL", deparse(conditionCall(error)), "\n")
cat("MESSAGE_START\n", conditionMessage(error), "\nMESSAGE_END\n", sep = "")
