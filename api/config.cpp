#include "model/status.h"
