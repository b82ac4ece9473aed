"""The programme file: YAML with positions in, a frozen core.model.Program out, or every problem at
once as FILE:LINE:COL: field.path: message."""
from .fields import Problem
from .program import ProgramError, load_program, load_text

__all__ = ["Problem", "ProgramError", "load_program", "load_text"]
